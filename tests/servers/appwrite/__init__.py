"""The Appwrite 1.7 stand-in's modules; appwrite_standin.py beside this folder runs them."""

# Ten Appwrite migrations that exercise every kind of change, for t8002 and
# t8003: write_history writes them as migrations/01_*.json .. 10_*.json.
#
#  1 users: string, email, integer with a default; a unique index
#  2 posts: string, string, boolean; a fulltext index
#  3 a two-way relationship posts.author <-> users.posts
#  4 users.name grows, users.age gets another default, users gets permissions
#  5 an enum and a datetime on users, an index on the enum
#  6 the enum gains an element; posts is renamed and gets documentSecurity
#  7 comments, with a one-way relationship to posts and an index
#  8 users.age goes (data loss); the relationship's onDelete changes
#  9 users.email becomes a plain string (delete and create: data loss),
#    so its unique index goes and comes back
# 10 comments goes (data loss); posts gets a float

users_v1='{"$id": "users", "name": "Users", "attributes": [
  {"key": "name", "type": "string", "size": 100, "required": true},
  {"key": "email", "type": "string", "format": "email", "required": false},
  {"key": "age", "type": "integer", "min": 0, "max": 150, "default": 18}],
 "indexes": [{"key": "by_email", "type": "unique", "attributes": ["email"], "orders": ["ASC"]}]}'
users_v4='{"$id": "users", "name": "Users", "$permissions": ["read(\"any\")", "write(\"team:admins\")"],
 "attributes": [
  {"key": "name", "type": "string", "size": 200, "required": true},
  {"key": "email", "type": "string", "format": "email", "required": false},
  {"key": "age", "type": "integer", "min": 0, "max": 150, "default": 21}],
 "indexes": [{"key": "by_email", "type": "unique", "attributes": ["email"], "orders": ["ASC"]}]}'
users_v5='{"$id": "users", "name": "Users", "$permissions": ["read(\"any\")", "write(\"team:admins\")"],
 "attributes": [
  {"key": "name", "type": "string", "size": 200, "required": true},
  {"key": "email", "type": "string", "format": "email", "required": false},
  {"key": "age", "type": "integer", "min": 0, "max": 150, "default": 21},
  {"key": "role", "type": "string", "format": "enum", "elements": ["admin", "editor", "viewer"], "default": "viewer"},
  {"key": "joined", "type": "datetime", "required": false}],
 "indexes": [{"key": "by_email", "type": "unique", "attributes": ["email"], "orders": ["ASC"]},
  {"key": "by_role", "type": "key", "attributes": ["role", "name"], "orders": ["ASC", "DESC"]}]}'
users_v6=$(printf '%s' "$users_v5" | sed 's/"editor", "viewer"\]/"editor", "viewer", "guest"]/')
users_v8='{"$id": "users", "name": "Users", "$permissions": ["read(\"any\")", "write(\"team:admins\")"],
 "attributes": [
  {"key": "name", "type": "string", "size": 200, "required": true},
  {"key": "email", "type": "string", "format": "email", "required": false},
  {"key": "role", "type": "string", "format": "enum", "elements": ["admin", "editor", "viewer", "guest"], "default": "viewer"},
  {"key": "joined", "type": "datetime", "required": false}],
 "indexes": [{"key": "by_email", "type": "unique", "attributes": ["email"], "orders": ["ASC"]},
  {"key": "by_role", "type": "key", "attributes": ["role", "name"], "orders": ["ASC", "DESC"]}]}'
users_v9=$(printf '%s' "$users_v8" | sed 's/"type": "string", "format": "email", "required": false/"type": "string", "size": 320, "required": false/')
posts_v2='{"$id": "posts", "name": "Posts", "attributes": [
  {"key": "title", "type": "string", "size": 255, "required": true},
  {"key": "body", "type": "string", "size": 10000},
  {"key": "published", "type": "boolean", "default": false}],
 "indexes": [{"key": "by_title", "type": "fulltext", "attributes": ["title"]}]}'
author='{"key": "author", "type": "relationship", "relatedCollection": "users", "relationType": "manyToOne", "twoWay": true, "twoWayKey": "posts", "onDelete": "cascade"}'
posts_v3=$(printf '%s' "$posts_v2" | sed "s|{\"key\": \"published\"|$author, {\"key\": \"published\"|")
posts_v6=$(printf '%s' "$posts_v3" | sed 's/"name": "Posts",/"name": "Articles", "documentSecurity": true,/')
posts_v8=$(printf '%s' "$posts_v6" | sed 's/"onDelete": "cascade"/"onDelete": "restrict"/')
posts_v10=$(printf '%s' "$posts_v8" | sed 's/{"key": "published"/{"key": "score", "type": "double", "min": 0, "max": 5}, {"key": "weight", "type": "double", "default": 0.1}, {"key": "published"/')
comments_v7='{"$id": "comments", "name": "Comments", "attributes": [
  {"key": "text", "type": "string", "size": 1000, "required": true},
  {"key": "post", "type": "relationship", "relatedCollection": "posts", "relationType": "manyToOne", "onDelete": "setNull"}],
 "indexes": [{"key": "by_text", "type": "key", "attributes": ["text"], "lengths": [100]}]}'

schema_of() {
	printf '{"collections": [%s' "$1"
	shift
	for c in "$@"; do printf ', %s' "$c"; done
	printf ']}\n'
}

write_history() {
	mkdir -p migrations &&
	schema_of "$users_v1" >migrations/01_users.json &&
	schema_of "$users_v1" "$posts_v2" >migrations/02_posts.json &&
	schema_of "$users_v1" "$posts_v3" >migrations/03_author.json &&
	schema_of "$users_v4" "$posts_v3" >migrations/04_users_grow.json &&
	schema_of "$users_v5" "$posts_v3" >migrations/05_roles.json &&
	schema_of "$users_v6" "$posts_v6" >migrations/06_articles.json &&
	schema_of "$users_v6" "$posts_v6" "$comments_v7" >migrations/07_comments.json &&
	schema_of "$users_v8" "$posts_v8" "$comments_v7" >migrations/08_drop_age.json &&
	schema_of "$users_v9" "$posts_v8" "$comments_v7" >migrations/09_plain_email.json &&
	schema_of "$users_v9" "$posts_v10" >migrations/10_drop_comments.json
}

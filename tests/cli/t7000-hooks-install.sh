#!/bin/sh
# awm hooks install / uninstall: where the hooks go (core.hooksPath), how an
# existing hook is chained and restored byte for byte, and every refusal.
. "$(dirname "$0")/test-lib.sh"

# git_project <dir>: a git repository with an awm project at its top.
git_project() {
	git init -q -b main "$1" &&
	(cd "$1" && awm init >/dev/null && git add awm.conf && git commit -qm "awm project")
}

test_expect_success 'install puts both hooks in .git/hooks' '
	git_project plain && cd plain &&
	awm hooks install >out &&
	test_grep "pre-commit  installed" out &&
	test_grep "pre-push    installed" out &&
	test -x .git/hooks/pre-commit && test -x .git/hooks/pre-push &&
	test_grep "^# awm-hook: pre-commit$" .git/hooks/pre-commit &&
	test_grep "^# awm-hook: pre-push$" .git/hooks/pre-push &&
	test_grep "^project=\.$" .git/hooks/pre-commit
'

test_expect_success 'the installed scripts are the ones in hooks/' '
	cd plain &&
	test_cmp "$AWM_SOURCE_DIR/hooks/pre-commit" .git/hooks/pre-commit &&
	test_cmp "$AWM_SOURCE_DIR/hooks/pre-push" .git/hooks/pre-push
'

test_expect_success 'install again changes nothing' '
	cd plain &&
	cp .git/hooks/pre-commit before &&
	awm hooks install >out &&
	test_grep "pre-commit  already installed" out &&
	test_cmp before .git/hooks/pre-commit
'

test_expect_success 'uninstall removes them and leaves no backup' '
	cd plain &&
	awm hooks uninstall >out &&
	test_grep "pre-commit  removed" out &&
	test ! -e .git/hooks/pre-commit && test ! -e .git/hooks/pre-push &&
	test ! -e .git/hooks/pre-commit.awm-chained
'

test_expect_success 'an existing hook is chained: kept byte for byte and run first' '
	git_project chain && cd chain &&
	printf "#!/bin/sh\n# made on windows\r\necho \"old hook \$#\" >>ran\nexit 0" \
		>.git/hooks/pre-commit &&
	chmod 700 .git/hooks/pre-commit &&
	cp -p .git/hooks/pre-commit "$TRASH/orig-pre-commit" &&
	awm hooks install >out &&
	test_grep "pre-commit  installed; the hook that was there runs first, kept as pre-commit.awm-chained" out &&
	cmp "$TRASH/orig-pre-commit" .git/hooks/pre-commit.awm-chained &&
	test "$(stat -c %a .git/hooks/pre-commit.awm-chained)" = 700 &&
	echo x >file && git add file && git commit -qm file &&
	test_grep "old hook 0" ran
'

test_expect_success 'a failing chained hook still stops the commit' '
	cd chain &&
	printf "#!/bin/sh\necho chained says no >&2\nexit 3\n" >.git/hooks/pre-commit.awm-chained &&
	echo y >file && git add file &&
	test_must_fail git commit -qm no 2>err &&
	test_grep "chained says no" err &&
	cp -p "$TRASH/orig-pre-commit" .git/hooks/pre-commit.awm-chained &&
	git reset -q --hard
'

test_expect_success 'uninstall restores the chained hook byte for byte, mode too' '
	cd chain &&
	awm hooks uninstall >out &&
	test_grep "pre-commit  removed; the hook that was there before is back" out &&
	test_grep "pre-push    removed" out &&
	cmp "$TRASH/orig-pre-commit" .git/hooks/pre-commit &&
	test "$(stat -c %a .git/hooks/pre-commit)" = 700 &&
	test ! -e .git/hooks/pre-commit.awm-chained && test ! -e .git/hooks/pre-push
'

test_expect_success 'a chained pre-push hook gets the same arguments and input' '
	git init -q --bare remote.git &&
	git_project push && cd push &&
	git remote add origin ../remote.git &&
	printf "#!/bin/sh\necho \"\$1 \$2\" >../push-args\ncat >../push-input\n" >.git/hooks/pre-push &&
	chmod +x .git/hooks/pre-push &&
	awm hooks install >/dev/null &&
	git push -q origin main &&
	test_grep "^origin \.\./remote\.git$" ../push-args &&
	test_grep "^refs/heads/main $(git rev-parse main) refs/heads/main 0000000000000000000000000000000000000000$" ../push-input
'

test_expect_success 'a symbolic link hook is chained and restored as the same link' '
	git_project link && cd link &&
	printf "#!/bin/sh\nexit 0\n" >../shared-hook && chmod +x ../shared-hook &&
	ln -s ../../../shared-hook .git/hooks/pre-commit &&
	awm hooks install >/dev/null &&
	test -L .git/hooks/pre-commit.awm-chained && test ! -L .git/hooks/pre-commit &&
	awm hooks uninstall >/dev/null &&
	test "$(readlink .git/hooks/pre-commit)" = ../../../shared-hook
'

test_expect_success 'core.hooksPath inside the repository is where hooks go' '
	git_project hookspath && cd hookspath &&
	git config core.hooksPath .githooks &&
	awm hooks install >out &&
	test_grep "Hooks in .*/hookspath/.githooks" out &&
	test -x .githooks/pre-commit && test ! -e .git/hooks/pre-commit &&
	awm hooks uninstall >/dev/null && test ! -e .githooks/pre-commit
'

test_expect_success 'a core.hooksPath shared with other repositories needs --force' '
	git_project shared && cd shared &&
	git config core.hooksPath "$TRASH/global-hooks" &&
	test_expect_code 2 awm hooks install 2>err &&
	test_grep "outside this repository" err && test_grep "\-\-force" err &&
	test ! -e "$TRASH/global-hooks/pre-commit" &&
	awm hooks install --force >out &&
	test -x "$TRASH/global-hooks/pre-commit" &&
	awm hooks uninstall >/dev/null && test ! -e "$TRASH/global-hooks/pre-commit"
'

test_expect_success 'an edited awm hook is rewritten only with --force' '
	cd plain && awm hooks install >/dev/null &&
	echo "# my tweak" >>.git/hooks/pre-commit && cp .git/hooks/pre-commit edited &&
	test_expect_code 2 awm hooks install 2>err &&
	test_grep "pre-commit. is awm.s hook but not as this awm writes it" err &&
	test_cmp edited .git/hooks/pre-commit &&
	awm hooks install --force >out &&
	test_grep "pre-commit  rewritten" out &&
	test_cmp "$AWM_SOURCE_DIR/hooks/pre-commit" .git/hooks/pre-commit
'

test_expect_success 'a kept hook left from an earlier install blocks a new install' '
	cd plain && awm hooks uninstall >/dev/null &&
	echo "#!/bin/sh" >.git/hooks/pre-commit.awm-chained &&
	echo "#!/bin/sh" >.git/hooks/pre-commit &&
	test_must_fail awm hooks install 2>err &&
	test_grep "pre-commit.awm-chained. is left from an earlier install" err &&
	test ! -e .git/hooks/pre-push &&
	rm .git/hooks/pre-commit.awm-chained .git/hooks/pre-commit
'

test_expect_success 'uninstall leaves a hook that is not awm'\''s any more' '
	cd plain && echo "#!/bin/sh" >.git/hooks/pre-commit && cp .git/hooks/pre-commit mine &&
	awm hooks install >/dev/null &&
	echo "#!/bin/sh" >.git/hooks/pre-commit &&
	echo "# someone else" >>.git/hooks/pre-commit && cp .git/hooks/pre-commit theirs &&
	test_must_fail awm hooks uninstall 2>err &&
	test_grep "is not awm.s hook any more" err &&
	test_cmp theirs .git/hooks/pre-commit &&
	test_cmp mine .git/hooks/pre-commit.awm-chained &&
	test -e .git/hooks/pre-push
'

test_expect_success 'a project below the work tree top is named in the hook' '
	mkdir mono && git init -q -b main mono &&
	(cd mono && mkdir "it'\''s db" && cd "it'\''s db" && awm init >/dev/null &&
	 awm hooks install >/dev/null) &&
	eval "$(grep "^project=" mono/.git/hooks/pre-commit)" &&
	test "$project" = "it'\''s db" &&
	eval "$(grep "^project=" mono/.git/hooks/pre-push)" &&
	test "$project" = "it'\''s db"
'

test_expect_success 'outside a git repository, install says so' '
	new_repo nogit && cd nogit &&
	test_must_fail awm hooks install 2>err &&
	test_grep "not inside a git" err
'

test_expect_success 'bad usage' '
	cd plain &&
	test_expect_code 2 awm hooks &&
	test_expect_code 2 awm hooks frobnicate &&
	test_expect_code 2 awm hooks uninstall --force
'

test_done

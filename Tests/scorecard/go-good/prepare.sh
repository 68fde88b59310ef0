# Run in a copy of this folder before the build: the git history and a .env (not kept in fathom's repository).
git init -q && git add -A && git -c user.name=dev -c user.email=dev@example.com commit -qm "first version"
printf 'PORT=8080\nDB_PASSWORD=hunter2-prod-4f9a1c2e\n' >.env

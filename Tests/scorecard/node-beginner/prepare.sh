# Run in a copy of this folder before the build: the git history, a .env with keys, and what
# `npm install` left on the developer's machine (node_modules, a debug log); not kept in fathom's repository.
git init -q && git add -A && git -c user.name=dev -c user.email=dev@example.com commit -qm "first version"
printf 'PORT=3000\nSESSION_SECRET=0b9c8d7e6f5a4b4f9a1c2e7b8d6e5f3a\nSTRIPE_API_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc\n' >.env
mkdir -p node_modules/greet && cp vendor/greet/* node_modules/greet/
python3 -c 'import random; r = random.Random(3); [print(f"{i} verbose fetch GET 200 https://registry.example/{r.randrange(10**9)} {r.random()}") for i in range(20000)]' >npm-debug.log

# Run in a copy of this folder before the build: what a developer's folder holds besides the sources
# (not kept in fathom's repository): the git history, a .env with keys, a data file.
git init -q && git add -A && git -c user.name=dev -c user.email=dev@example.com commit -qm "first version"
printf 'FLASK_DEBUG=1\nAPI_KEY=sk-live-4f9a1c2e7b8d6e5f3a0b9c8d7e6f5a4b\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' >.env
mkdir -p data && python3 -c 'import random; r = random.Random(18); print("id,price,qty"); [print(f"{i},{r.random():.6f},{r.randrange(1000)}") for i in range(240000)]' >data/big.csv

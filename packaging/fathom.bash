# bash completion for fathom (installed by make install and the .deb). Hand-written, since fathom's
# subcommands (diff, cat, ls, extract, init, help) share the first position with IMAGE, which the generated
# script cannot tell apart; Tests/CLITests/CompletionTests.swift keeps the option lists in step with --help.
_fathom() {
    local cur prev command i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    command=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        diff|cat|ls|extract|init|help) [ "$i" = 1 ] && command=${COMP_WORDS[i]}; break ;;
        esac
    done
    local image="--source --insecure --timeout --pull --namespace --containerd-address --image --platform --verify"
    local options
    case $command in
    diff) options="--insecure --timeout --namespace --containerd-address --theme --html --top --image --old-image --new-image --platform --verify -j --json --ci --ci-config
                   --highestGrowthBytes --highest-growth-bytes --highestGrowthPercent --highest-growth-percent
                   --highestDownloadBytes --highest-download-bytes -h --help" ;;
    cat) options="--layer $image -h --help" ;;
    ls) options="--layer -l --json $image -h --help" ;;
    extract) options="-o --output --layer --force --keep-special-bits --same-owner $image -h --help" ;;
    init) options="--flavour -o --output --force -h --help" ;;
    help) COMPREPLY=($(compgen -W "diff cat ls extract init" -- "$cur")); return ;;
    *) options="$image --theme --sbom --html -j --json --ci --ci-config --ci-top --top --lowestEfficiency --highestWastedBytes --highestUserWastedPercent
                --highest-reclaimable-bytes --highestReclaimableBytes --fail-on-advice --highestAdviceSeverity --version -h --help" ;;
    esac
    case $prev in
    --source) COMPREPLY=($(compgen -W "docker podman containerd docker-archive oci-archive oci registry" -- "$cur")); return ;;
    --namespace) COMPREPLY=($(compgen -W "default k8s.io moby" -- "$cur")); return ;;
    --containerd-address) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --theme) COMPREPLY=($(compgen -W "default light high-contrast dracula gruvbox nord" -- "$cur")); return ;;
    --flavour) COMPREPLY=($(compgen -W "generic node python go java" -- "$cur")); return ;;
    --fail-on-advice|--highestAdviceSeverity) COMPREPLY=($(compgen -W "high medium low disabled" -- "$cur")); return ;;
    --platform) COMPREPLY=($(compgen -W "linux/amd64 linux/arm64 linux/arm/v7 linux/386 linux/ppc64le linux/s390x" -- "$cur")); return ;;
    -j|--json|--ci-config|--sbom|--html) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -o|--output) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --timeout|--image|--old-image|--new-image|--top|--ci-top|--layer|--lowestEfficiency|--highestWastedBytes|\
    --highestUserWastedPercent|--highest-reclaimable-bytes|--highestReclaimableBytes|--highestGrowthBytes|\
    --highest-growth-bytes|--highestGrowthPercent|--highest-growth-percent|--highestDownloadBytes|--highest-download-bytes)
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    elif [ "$COMP_CWORD" = 1 ]; then
        COMPREPLY=($(compgen -W "diff cat ls extract init help" -- "$cur") $(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _fathom fathom

export const HELP = `meshlint: find mistakes in Istio, Linkerd and Gateway API configuration before it reaches a cluster.

Usage:
  meshlint [options] [paths... | -]      lint files, folders (recursive), globs, or - for standard input
  meshlint explain <rule-id|IST####|KIA####>
  meshlint --list-rules [--format stylish|json|markdown]
  meshlint access --from NS/sa/NAME --to NS/NAME[:PORT] [paths...]
                                         can this caller reach that Service or workload? (meshlint access --help)
  meshlint baseline [options] [paths...] record current findings in .meshlint-baseline.json; only new ones fail
  meshlint lsp                           language server over stdio (diagnostics as YAML files are edited)
  meshlint --cluster [options] [paths...]
                                         lint what a cluster runs, with the named files overlaid on it
  meshlint webhook --tls-cert FILE --tls-key FILE [options]
                                         validating admission webhook (meshlint webhook --help)

Options:
  -f, --format <name>          stylish (default), json, compact, sarif, github, junit or checkstyle
  -o, --output-file [<format>=]<file>
                               also write a format to a file (repeatable): -o sarif=meshlint.sarif -o junit=junit.xml;
                               a bare <file> gets --format, and standard output then gets stylish
      --changed-since <ref>    lint the tree at <ref> (its merge base with HEAD) and now; report only the findings
                               the change introduced, wherever they are (a deleted subset breaks an unchanged route)
      --staged                 the same between HEAD and the index, what \`git commit\` would record (pre-commit)
      --repo-context           read the whole Git repository for references; report only in the named paths
      --stdin-filename <path>  the file standard input stands for: shown in findings, used to find the config and
                               the ignore files, and read instead of that file (editors, --repo-context)
      --print-config <path>    print the configuration that applies to <path> (file, baseline, every rule's
                               severity, settings) as JSON, and lint nothing
      --no-baseline            ignore .meshlint-baseline.json
      --fail-on <level>        exit 1 on findings at or above: error (default), warning, info, none
      --max-warnings <n>       also exit 1 when there are more than n warnings (-1: no limit)
  -n, --namespace <ns>         namespace of resources that name none (default: default)
  -c, --config <file>          configuration file (default: the nearest .meshlint.yaml above the linted paths)
      --mesh-config <file>     Istio MeshConfig (bare, or the istio ConfigMap) merged over Istio's defaults
      --mesh-networks <file>   Istio MeshNetworks (bare, or the istio ConfigMap)
      --gateway-api-channel <c>  Gateway API CRD channel: standard or experimental (default: experimental when the
                                 repository holds kinds only that channel serves, else standard)
      --crds <path>            CRDs the cluster serves (file or folder, repeatable); they override the bundled ones
      --max-file-size <size>   skip larger files (default 5MB; e.g. 512KB, 20MB)
      --max-total-size <size>  skip the files past this many bytes in all (default 64MB)
      --kustomize-command <c>  how to build kustomizations (default: kustomize build, else kubectl kustomize)
      --helm-command <c>       the helm to render charts with (default: helm)
      --helm-values <file>     values for charts no Argo CD Application or Flux HelmRelease configures (repeatable)
      --no-render              skip kustomizations and charts instead of rendering them
      --cache                  keep each file's parse, schema checks and the rule checks in a cache file, and reuse
                               what a change (to any file, the configuration, the CRDs, meshlint) cannot alter
      --cache-location <path>  the cache file, or a folder to keep it in (default: .meshlintcache in the working
                               folder)
      --allow-empty            exit by the findings even when no Kubernetes object was read (else exit 2)
      --cluster                read the objects of the cluster of the current kubeconfig context (read-only)
      --kubeconfig <file>      with --cluster: the kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)
      --context <name>         with --cluster: a context other than the kubeconfig's current one
  -A, --all-namespaces         with --cluster: report in every namespace (default: the context's namespace, or -n)
      --timeout <duration>     with --cluster: the longest the whole read may take (default 60s)
  -q, --quiet                  report errors only
      --color, --no-color      force colours on or off (default: on for a terminal; NO_COLOR is honoured)
      --list-rules             list every rule with its codes and default severity
  -v, --version                print the version
  -h, --help                   print this help

Exit status: 0 nothing at or above --fail-on; 1 findings at or above it (or more than --max-warnings warnings);
2 usage error, unreadable configuration, input that names nothing, no Kubernetes object read, or internal error.
`;

package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/internal/suggest"
	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
)

// examples is the Examples section of each command's help, by command
// path.
var examples = map[string]string{
	"mesosim": `  mesosim --duration 10m
  mesosim run reconciliation-under-loss --events log.jsonl`,
	"mesosim run": `  mesosim run drf-unreserved
  mesosim run my.yaml --seed 7 --duration 30m --events log.jsonl --format json
  mesosim run reconciliation-under-loss --set frameworks.0.behavior=naive
  mesosim run drf-unreserved --series series.csv.gz --tasks tasks.csv --report run.html`,
	"mesosim compare": `  mesosim compare policy-shapes --seeds 10
  mesosim compare omega-think-time --vary frameworks.service.think_time=1s,10s --metrics cpu_util,wait_p50
  mesosim compare policy-shapes --seeds 20 --baseline drf --metrics wait_p95,role.wait_p95 --report compare.html`,
	"mesosim fuzz": `  mesosim fuzz reconciliation-under-loss --swarm --seeds 1000
  mesosim fuzz reconciliation-under-loss --set frameworks.0.behavior=naive --shrink --shrink-dir out
  mesosim fuzz reconciliation-under-loss --duration 12m --skip-invariants convergence,liveness
  mesosim fuzz reconciliation-under-loss --swarm --seeds 200 --report fuzz.html`,
	"mesosim trace": `  mesosim trace inspect task_events-part-00000-of-00500.csv.gz
  mesosim trace convert batch_task.csv --to native --out tasks.jsonl`,
	"mesosim trace inspect": `  mesosim trace inspect task_events-part-00000-of-00500.csv.gz --format json`,
	"mesosim trace convert": `  mesosim trace convert batch_task.csv --to native --out tasks.jsonl`,
	"mesosim replay": `  mesosim replay reconciliation-under-loss --set frameworks.0.behavior=naive --context 50
  mesosim replay --log log.jsonl
  mesosim replay reconciliation-under-loss --seed 7 --report replay.html`,
	"mesosim serve": `  mesosim serve my.yaml --events log.jsonl
  mesosim serve my.yaml --listen 127.0.0.1:5050 --standby 127.0.0.1:5051 --quiet 100ms
  mesosim serve my.yaml --speed 10`,
	"mesosim plot": `  mesosim plot series.csv --metric dominant_share --by role -o share.svg
  mesosim plot series.csv.gz --metric wait_p95 --by framework --names spark,web -o wait.png`,
	"mesosim validate": `  mesosim validate my.yaml
  mesosim validate my.yaml --deep --set duration=2h`,
	"mesosim scenarios": `  mesosim scenarios
  mesosim scenarios show drf-quota > my.yaml`,
	"mesosim scenarios show": `  mesosim scenarios show reconciliation-under-loss > my.yaml`,
	"mesosim version": `  mesosim version
  mesosim --version`,
	"mesosim bench":                 `  mesosim bench --agents 1000 --frameworks 100 --cycles 50`,
	"mesosim bench decline":         `  mesosim bench decline --agents 10000 --frameworks 1000 --cycles 20`,
	"mesosim bench events":          "  mesosim bench events\n  mesosim bench events reconciliation-under-loss --duration 30m --check=false",
	"mesosim completion":            `  source <(mesosim completion bash)`,
	"mesosim completion bash":       `  source <(mesosim completion bash)`,
	"mesosim completion zsh":        `  mesosim completion zsh > "${fpath[1]}/_mesosim"`,
	"mesosim completion fish":       `  mesosim completion fish > ~/.config/fish/completions/mesosim.fish`,
	"mesosim completion powershell": `  mesosim completion powershell | Out-String | Invoke-Expression`,
	"mesosim help":                  `  mesosim help fuzz`,
	"mesosim merge": `  mesosim merge parts/part-*.json
  mesosim merge --format csv parts/part-*.json
  mesosim merge --shrink --shrink-dir out parts/part-*.json`,
	"mesosim sweep": `  mesosim sweep slurm --shards 40 -- compare policy-shapes --seeds 200 > shapes.sbatch
  mesosim sweep k8s --shards 100 --image registry.example/mesosim:0.1 -- fuzz reconciliation-under-loss --swarm --seeds 100000 > fuzz.yaml`,
	"mesosim sweep slurm": `  mesosim sweep slurm --shards 40 --max-running 20 --cpus-per-task 4 -- compare policy-shapes --seeds 200 > shapes.sbatch
  bash shapes.sbatch`,
	"mesosim sweep k8s": `  mesosim sweep k8s --shards 100 --image registry.example/mesosim:0.1 -- fuzz reconciliation-under-loss --swarm --seeds 100000 > fuzz.yaml
  kubectl apply -f fuzz.yaml`,
}

// conventions gives root and its commands what users bring from kubectl
// and go: --version, "did you mean", help that fails on an unknown topic,
// shell completion of values, and an Examples section everywhere.
func conventions(root *cobra.Command) {
	root.Version = version
	root.SetVersionTemplate("mesosim {{.Version}}\n")
	root.InitDefaultCompletionCmd()
	root.SetHelpCommand(newHelpCmd(root))
	root.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return badInput("unknown command %q for \"mesosim\"%s", args[0], didYouMean(commandSuggestions(cmd, args[0])))
		}
		return nil
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if ex, ok := examples[c.CommandPath()]; ok && c.Example == "" {
			c.Example = ex
		}
		completeValues(c)
		if c.HasSubCommands() && c.HasParent() && !c.Runnable() {
			// "mesosim trace inspec": an error with suggestions, not help.
			c.Args = func(cmd *cobra.Command, args []string) error {
				if len(args) > 0 {
					return badInput("unknown command %q for %q%s", args[0], cmd.CommandPath(), didYouMean(commandSuggestions(cmd, args[0])))
				}
				return nil
			}
			c.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// commandSuggestions are the subcommands of c close to name.
func commandSuggestions(c *cobra.Command, name string) []string {
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() || sub.Name() == "help" {
			names = append(names, sub.Name())
		}
	}
	return suggest.Among(name, names)
}

// didYouMean is "; did you mean X?" for suggestions, or "".
func didYouMean(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return "; did you mean " + strings.Join(s, " or ") + "?"
}

// newHelpCmd is `mesosim help [COMMAND]`: an unknown command is bad input
// (status 2), with suggestions.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "Help about any command",
		RunE: func(cmd *cobra.Command, args []string) error {
			c, rest, err := root.Find(args)
			if err != nil || c == nil || len(rest) > 0 {
				name := strings.Join(args, " ")
				var sugg []string
				if len(args) > 0 {
					sugg = commandSuggestions(root, args[len(args)-1])
				}
				return badInput("help: unknown command %q%s", name, didYouMean(sugg))
			}
			c.InitDefaultHelpFlag()
			return c.Help()
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, c := range root.Commands() {
				if c.IsAvailableCommand() {
					names = append(names, c.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

// completeValues registers shell completion of c's values: the embedded
// scenario names (or a file) for its scenario argument, and the known
// values of --format, --allocators, --metrics and --skip-invariants.
func completeValues(c *cobra.Command) {
	if strings.Contains(c.Use, "NAME") && c.ValidArgsFunction == nil {
		c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return scenarios.Builtin(), cobra.ShellCompDirectiveDefault // files too
		}
	}
	if f := c.Flags().Lookup("format"); f != nil {
		values := []string{"table", "json"}
		if strings.Contains(f.Usage, "csv") {
			values = append(values, "csv")
		}
		c.RegisterFlagCompletionFunc("format", fixedValues(values))
	}
	for flag, values := range map[string]func() []string{
		"allocators": policies.AllocatorNames,
		"metrics":    report.CompareMetricNames,
		skipFlag:     report.SkipNames,
	} {
		if c.Flags().Lookup(flag) != nil {
			c.RegisterFlagCompletionFunc(flag, listValues(values))
		}
	}
}

// fixedValues completes one of values.
func fixedValues(values []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// listValues completes the next item of a comma-separated list of
// values(): what was typed before the last comma is kept.
func listValues(values func() []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		done, _ := splitLast(toComplete)
		var out []string
		for _, v := range values() {
			out = append(out, done+v)
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

// splitLast splits "a,b,c" into "a,b," and "c".
func splitLast(s string) (string, string) {
	i := strings.LastIndex(s, ",")
	return s[:i+1], s[i+1:]
}

// newScenariosShowCmd is `mesosim scenarios show NAME`: an embedded
// scenario's YAML, a template for a user with only the binary.
func newScenariosShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Print an embedded scenario's YAML",
		Args:  checkArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return scenarios.Builtin(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			src, ok := scenarios.BuiltinSource(args[0])
			if !ok {
				return badInput("scenarios show: no embedded scenario %q%s (embedded: %s)", args[0],
					didYouMean(scenarios.Suggest(args[0])), strings.Join(scenarios.Builtin(), ", "))
			}
			_, err := cmd.OutOrStdout().Write(src)
			return err
		},
	}
}

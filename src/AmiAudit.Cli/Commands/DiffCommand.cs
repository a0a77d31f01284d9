using System.CommandLine;
using System.Runtime;
using AmiAudit.Cli.Diff;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Core.Evaluation;
using AmiAudit.Reporting;
using AmiAudit.Reporting.Diff;
using CoreDiff = AmiAudit.Core.Diff;

namespace AmiAudit.Cli.Commands;

/// <summary>
/// <c>amiaudit diff A B</c>: compares two groups of nodes. A side is a snapshot file, a directory of *.json
/// snapshots (streamed, parsed in parallel), an image root, the live host (<c>live</c>), or an environment named in
/// amiaudit.yaml. Side resolution and loading live in the AmiAudit.Cli.Diff namespace.
/// Corrupt snapshots are reported with their path and skipped; exit 3 only when a side has nothing usable.
/// </summary>
public sealed class DiffCommand : IVerb
{
    public Command Build(CliContext context)
    {
        var sides = new Argument<string[]>("sides")
        {
            Description = "Two sides: snapshot file, directory of snapshots, image root, 'live' (this running host), ec2:<az> (EC2 inventory of a zone), s3://bucket/prefix/ (stored snapshots), or environment name from amiaudit.yaml.",
            Arity = new ArgumentArity(0, 2),
        };
        var format = Choice.Option("--format", ["-f"], DiffReporters.Formats, "console", $"Output format: {string.Join(", ", DiffReporters.Formats)}.");
        var output = CommonOptions.Output();
        var template = UserTemplates.Option();
        var failOn = CommonOptions.Threshold("--fail-on-divergence",
            "Exit 1 when a consistent or partial divergence is at or above this severity: info, low, medium, high, critical (default: report only).");
        var ignore = new Option<string[]>("--ignore") { Description = "Ignore fact keys matching this glob (repeatable), e.g. 'package/**', 'unit/*/restarts'." };
        var config = new Option<string?>("--config") { Description = "amiaudit.yaml with 'environments: { NAME: { snapshots: PATH } | { root: DIR } | { live: true } }'. Default: ./amiaudit.yaml if present." };
        var roots = new Option<string[]>("--root", "-r") { Description = "An image root as a side: give --root twice (old, new), or once with one other side (the root is side A)." };
        var filter = new Option<string[]>("--filter") { Description = "For ec2:<az> sides: an EC2 filter NAME=VALUE[,VALUE…] (repeatable), e.g. tag:eks:cluster-name=ml." };
        var aws = new AwsCli();

        var command = new Command("diff", "Compare two 'identical' environments: ranked divergences and the causal chain behind them.\n\n" +
            "Examples:\n  amiaudit diff examples/incident/zone-a examples/incident/zone-b\n  amiaudit diff zone-a zone-b --fail-on-divergence high\n" +
            "  amiaudit diff a.json b.json --format json -o diff.json\n  amiaudit diff --root /mnt/ami-old --root /mnt/ami-new\n" +
            "  amiaudit diff live snaps/us-east-1b/      (this running host vs a group)\n  amiaudit diff --root /mnt/ami-new live\n" +
            "  amiaudit diff ec2:us-east-1a ec2:us-east-1b --filter tag:eks:cluster-name=ml --region us-east-1\n" +
            "  amiaudit diff s3://audit/snap/2026-12-02/us-east-1a/ s3://audit/snap/2026-12-02/us-east-1b/")
        {
            sides, format, output, template, failOn, ignore, config, roots, filter,
        };
        aws.AddTo(command);
        command.SetAction(parse =>
        {
            var given = parse.GetValue(sides) ?? [];
            var userTemplate = UserTemplates.Read(parse.GetValue(template), parse.GetValue(format) ?? "console");
            var rootDirs = parse.GetValue(roots) ?? [];
            var env = DiffEnvironments.Load(parse.GetValue(config));
            (DiffSide A, DiffSide B) pair = (given.Length, rootDirs.Length) switch
            {
                (2, 0) => (DiffSide.Resolve(given[0], env), DiffSide.Resolve(given[1], env)),
                (0, 2) => (DiffSide.Root(rootDirs[0], DiffSide.Label(rootDirs[0])), DiffSide.Root(rootDirs[1], DiffSide.Label(rootDirs[1]))),
                (1, 1) => (DiffSide.Root(rootDirs[0], DiffSide.Label(rootDirs[0])), DiffSide.Resolve(given[0], env)),
                _ => throw new UsageException("give two sides (amiaudit diff A B), --root twice (amiaudit diff --root OLD --root NEW), or --root once and one side (amiaudit diff --root DIR live)"),
            };
            context.Trace("diff: sides resolved");
            var outPath = parse.GetValue(output);
            // Refused before any work: the run would replace a file it reads.
            var inputs = pair.A.Inputs("side A").Concat(pair.B.Inputs("side B")).ToList();
            if (env.Source is { } configFile) inputs.Add(new InputRef("--config", configFile));
            InputsAndOutput.EnsureDistinct(outPath, inputs);

            var ignores = env.Ignore.Concat(parse.GetValue(ignore) ?? []).ToList();
            var matcher = new CoreDiff.GlobMatcher(ignores);
            // Throughput over pause times: loading thousands of snapshots is a batch job.
            GCSettings.LatencyMode = GCLatencyMode.Batch;
            AmiAudit.Aws.Plumbing.AwsSession? session = null;
            SideLoader.Remote? remote = null;
            var filters = AwsCli.Filters(parse.GetValue(filter) ?? [], "--filter");
            if (pair.A.NeedsAws || pair.B.NeedsAws)
            {
                var options = aws.Read(parse, context);
                var opening = new object();
                remote = new SideLoader.Remote(() => { lock (opening) return session ??= AwsCli.Open(options, context); }, filters);
            }
            else if (filters.Count > 0) throw new UsageException("--filter selects EC2 instances for ec2:<az> sides; neither side is one");
            SideLoader.Loaded loaded;
            try
            {
                loaded = SideLoader.Load(pair.A, pair.B, matcher, context, remote);
            }
            finally
            {
                session?.Dispose();
            }
            var (a, b, sorted) = loaded;

            foreach (var p in sorted) context.Diagnostic($"amiaudit: skipped {p.Path}: {p.Message}");
            var unusable = new[] { a, b }.Where(s => s.Nodes == 0).Select(s => s.Name).ToList();
            if (unusable.Count > 0)
                throw new InvalidInputException([.. unusable.Select(n => $"amiaudit: side '{n}' has no usable snapshot ({sorted.Count(p => p.Side == n)} skipped); nothing was compared")]);

            var result = CoreDiff.DiffEngine.Compare(a, b, new CoreDiff.DiffOptions { NameA = a.Name, NameB = b.Name, Ignore = ignores, LoadProblems = sorted });
            context.Trace("diff: compared");
            var ctx = new ReportContext
            {
                ToolVersion = typeof(DiffCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                GeneratedAt = context.Now,
                TemplateDirectory = Path.Combine(context.AppDirectory, "templates"),
                Color = context.Interactive && OutputFile.IsStandardOutput(outPath),
                Width = context.ConsoleWidth,
                Template = userTemplate,
            };
            var text = UserTemplates.Render(() => DiffReporters.Get(parse.GetValue(format) ?? "console").Render(result, ctx));
            OutputFile.Write(context, outPath, text);
            context.Trace("diff: rendered");

            return parse.GetValue(failOn) is { } gate && result.AtOrAbove(gate).Any()
                ? ExitCodes.GateFailed
                : ExitCodes.Passed;
        });
        return command;
    }
}

using System.CommandLine;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;
using AmiAudit.Core.Policies;
using AmiAudit.Reporting;

namespace AmiAudit.Cli.Commands;

/// <summary><c>amiaudit scan</c>: the image-pipeline gate. Collect (or load) a snapshot, evaluate
/// policies, render one format, exit 1 when a failure reaches --fail-on.</summary>
public sealed class ScanCommand : IVerb
{
    public Command Build(CliContext context)
    {
        var root = CommonOptions.Root();
        var snapshotFile = new Option<string?>("--snapshot", "-s") { Description = "Evaluate a saved snapshot (from 'amiaudit collect') instead of collecting." };
        var live = new Option<bool>("--live") { Description = "Evaluate the running node (offline facts from / plus live state)." };
        var policy = CommonOptions.Policy();
        var waivers = CommonOptions.Waivers();
        var vars = CommonOptions.Vars();
        var failOn = CommonOptions.FailOn();
        var format = new Option<string>("--format", "-f")
        {
            Description = $"Output format: {string.Join(", ", ScanReporters.Formats)}.",
            DefaultValueFactory = _ => "console",
        };
        format.AcceptOnlyFromAmong([.. ScanReporters.Formats]);
        var output = CommonOptions.Output();

        var command = new Command("scan",
            "Evaluate policies against an image root, the live node or a saved snapshot; the image-pipeline gate.\n\n" +
            "Examples:\n" +
            "  amiaudit scan --root /mnt/image --fail-on high\n" +
            "  amiaudit scan --root / --fail-on high --format junit --output amiaudit.xml   # on the Packer build instance\n" +
            "  amiaudit scan --snapshot node.json --policy policies/ --waivers waivers.yaml --format sarif -o amiaudit.sarif")
        {
            root, snapshotFile, live, policy, waivers, vars, failOn, format, output,
        };
        command.SetAction(parse =>
        {
            var sources = new[] { parse.GetValue(root) is not null, parse.GetValue(snapshotFile) is not null, parse.GetValue(live) }.Count(x => x);
            if (sources != 1) throw new UsageException("give exactly one of --root DIR, --snapshot FILE or --live (see 'amiaudit scan --help')");

            // Policies first: a broken policy is exit 3 before any (possibly slow) collection.
            var loaded = PolicyFiles.Load(parse.GetValue(policy) ?? [], parse.GetValue(vars) ?? [], context);
            var waiverSet = PolicyFiles.LoadWaivers(parse.GetValue(waivers));

            Snapshot? snapshot = parse.GetValue(snapshotFile) is { } file
                ? SnapshotFiles.Load(file)
                : CollectCommand.Run(context, new Collection.Request
                {
                    Root = parse.GetValue(root),
                    Live = parse.GetValue(live),
                    ExtraBinaries = loaded.NamedPaths,
                });
            if (snapshot is null) return ExitCodes.CollectionFailed;

            var gate = CommonOptions.ParseSeverity(parse.GetValue(failOn));
            var result = PolicyEvaluator.Evaluate(snapshot, loaded.Policies, waiverSet, new EvaluationOptions
            {
                Now = context.Now,
                FailOn = gate,
                TargetName = TargetNames.For(snapshot),
            });
            var fmt = parse.GetValue(format)!;
            var text = ScanReporters.Get(fmt).Render(result, new ReportContext
            {
                ToolVersion = typeof(ScanCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                GeneratedAt = context.Now,
                TemplateDirectory = Path.Combine(context.AppDirectory, "templates"),
                Color = context.Interactive && fmt == "console" && parse.GetValue(output) is null,
                Width = context.ConsoleWidth,
            });
            if (parse.GetValue(output) is { } path) AtomicFile.WriteAllText(path, text);
            else context.Out.Write(text);
            return result.GateFailed ? ExitCodes.GateFailed : ExitCodes.Passed;
        });
        return command;
    }
}

using System.CommandLine;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;
using AmiAudit.Core.Policies;
using AmiAudit.Reporting;

namespace AmiAudit.Cli.Commands;

/// <summary><c>amiaudit scan</c>: the image-pipeline gate. Collect (or load) a snapshot, evaluate
/// policies, render one format, exit 1 when a failure reaches --fail-on (high unless given; none reports only).</summary>
public sealed class ScanCommand : IVerb
{
    public Command Build(CliContext context)
    {
        var root = CommonOptions.Root();
        var snapshotFile = new Option<string?>("--snapshot", "-s") { Description = "Evaluate a saved snapshot (from 'amiaudit collect') instead of collecting: a file, or an s3://bucket/key object (.json or .json.gz)." };
        var aws = new AwsCli();
        var live = new Option<bool>("--live") { Description = "Evaluate the running node (offline facts from / plus live state)." };
        var policy = CommonOptions.Policy();
        var waivers = CommonOptions.Waivers();
        var vars = CommonOptions.Vars();
        var failOn = CommonOptions.FailOn();
        var onError = CommonOptions.OnError();
        var format = Choice.Option("--format", ["-f"], [.. ScanReporters.Formats], "console", $"Output format: {string.Join(", ", ScanReporters.Formats)}.");
        var output = CommonOptions.Output();
        var template = UserTemplates.Option();
        var since = TimeBounds.Since();
        var until = TimeBounds.Until();

        var command = new Command("scan",
            "Evaluate policies against an image root, the live node or a saved snapshot; the image-pipeline gate.\n\n" +
            "Examples:\n" +
            "  amiaudit scan --root /mnt/image       # exit 1 on a failing high/critical finding\n" +
            "  amiaudit scan --root /mnt/image --fail-on none -f markdown -o report.md\n" +
            "  amiaudit scan --root / --format junit -o amiaudit.xml   # on the Packer instance\n" +
            "  amiaudit scan --snapshot node.json --policy policies/ --waivers waivers.yaml --format sarif -o amiaudit.sarif")
        {
            root, snapshotFile, live, policy, waivers, vars, failOn, onError, format, output, template, since, until,
        };
        aws.AddTo(command);
        command.SetAction(parse =>
        {
            context.Trace("scan started");
            var sources = new[] { parse.GetValue(root) is not null, parse.GetValue(snapshotFile) is not null, parse.GetValue(live) }.Count(x => x);
            if (sources != 1) throw new UsageException("give exactly one of --root DIR, --snapshot FILE or --live (see 'amiaudit scan --help')");

            // Policy loading (YAML + schema, mostly one-time JIT) runs on the second core while the
            // collectors read the root; a broken policy is still exit 3, reported before anything else.
            var policyPaths = parse.GetValue(policy) ?? [];
            var varValues = parse.GetValue(vars) ?? [];
            var waiverPath = parse.GetValue(waivers);
            var outPath = parse.GetValue(output);
            // Refused before any work: the run would replace a file it reads.
            var inputs = policyPaths.Length == 0
                ? [InputRef.Folder("built-in policies", PolicyFiles.BuiltInDirectory(context), InputRef.Yaml)]
                : PolicyFiles.Inputs(policyPaths, "--policy").ToList();
            if (waiverPath is not null) inputs.Add(new InputRef("--waivers", waiverPath));
            if (parse.GetValue(snapshotFile) is { } snapshotPath && !AmiAudit.Aws.Store.S3Uri.Looks(snapshotPath)) inputs.Add(new InputRef("--snapshot", snapshotPath));
            InputsAndOutput.EnsureDistinct(outPath, inputs);
            var userTemplate = UserTemplates.Read(parse.GetValue(template), parse.GetValue(format)!);
            var loading = Task.Run(() => (Policies: PolicyFiles.Load(policyPaths, varValues, context), Waivers: PolicyFiles.LoadWaivers(waiverPath)));

            var (from, to) = TimeBounds.Parse(parse.GetValue(since), parse.GetValue(until), context.Now);
            var request = new Collection.Request { Root = parse.GetValue(root), Live = parse.GetValue(live), Since = from, Until = to };
            Snapshot? snapshot;
            try
            {
                snapshot = parse.GetValue(snapshotFile) is { } file
                    ? AmiAudit.Aws.Store.S3Uri.Looks(file) ? SnapshotFiles.LoadS3(file, aws.Read(parse, context), context) : SnapshotFiles.Load(file)
                    : CollectCommand.Run(context, request);
            }
            catch (InvalidInputException) when (!loading.IsCompletedSuccessfully)
            {
                loading.GetAwaiter().GetResult(); // policy problems come first; then the input problem
                throw;
            }
            var (loaded, waiverSet) = loading.GetAwaiter().GetResult();
            context.Trace("policies loaded");
            if (snapshot is null) return ExitCodes.CollectionFailed;
            if (parse.GetValue(snapshotFile) is null) snapshot = Collection.AddNamedBinaries(request, snapshot, loaded.NamedPaths, context);
            context.Trace("snapshot ready");

            var gate = parse.GetValue(failOn).Threshold;
            var result = PolicyEvaluator.Evaluate(snapshot, loaded.Policies, waiverSet, new EvaluationOptions
            {
                Now = context.Now,
                FailOn = gate,
                OnError = parse.GetValue(onError),
                TargetName = TargetNames.For(snapshot.Target),
            });
            if (snapshot.Evidence is { Timeline.Count: > 0 } evidence) result = result with { Timeline = evidence.Timeline };
            context.Trace("evaluated");
            var fmt = parse.GetValue(format)!;
            var text = UserTemplates.Render(() => ScanReporters.Get(fmt).Render(result, new ReportContext
            {
                ToolVersion = typeof(ScanCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                GeneratedAt = context.Now,
                TemplateDirectory = Path.Combine(context.AppDirectory, "templates"),
                Color = context.Interactive && fmt == "console" && OutputFile.IsStandardOutput(outPath),
                Width = context.ConsoleWidth,
                Template = userTemplate,
            }));
            context.Trace("rendered");
            OutputFile.Write(context, outPath, text);
            return result.GateFailed ? ExitCodes.GateFailed : ExitCodes.Passed;
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AmiAudit.Aws.Plumbing;
using AmiAudit.Aws.Ssm;
using AmiAudit.Aws.Store;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Cli.Infrastructure.Io;
using Spectre.Console;
using static AmiAudit.Reporting.Escaping.ReportText;

namespace AmiAudit.Cli.Commands;

/// <summary>
/// <c>amiaudit fleet collect --ssm</c>: full node snapshots from a fleet, by running <c>amiaudit collect --live
/// --out s3://…</c> on every matching node through SSM Run Command (the nodes' instance roles write to S3). A live
/// table on a terminal, one line per instance at the end; exit 0 when every instance succeeded, 1 when some failed
/// (listed), 4 when none did or AWS could not be reached (what was known so far is still printed).
/// </summary>
public sealed class FleetCommand : IVerb
{
    private static readonly string[] Formats = ["console", "json"];

    public Command Build(CliContext context)
    {
        var ssm = new Option<bool>("--ssm") { Description = "Run the node-side collect through SSM Run Command (the only transport today; required)." };
        var target = new Option<string[]>("--target") { Description = "Which instances: tag:KEY=VALUE, availability-zone=AZ, or instance ids (i-0abc,i-0def). Repeatable; all must match." };
        var output = CommonOptions.Output("Where the nodes write their snapshots: s3://bucket/prefix/ (key PREFIX/YYYY-MM-DD/AZ/INSTANCE-ID.json.gz).");
        var outAlias = CommonOptions.OutAlias();
        var binary = new Option<string>("--binary") { Description = "amiaudit on the node: a path, or an s3:// URL the node copies it from with its role (needs the AWS CLI there).", DefaultValueFactory = _ => "/usr/local/bin/amiaudit" };
        var document = new Option<string>("--document") { Description = "SSM document with a 'commands' parameter.", DefaultValueFactory = _ => "AWS-RunShellScript" };
        var maxConcurrency = new Option<string>("--max-concurrency") { Description = "SSM MaxConcurrency: nodes running at once (a number or a percentage).", DefaultValueFactory = _ => "10%" };
        var maxErrors = new Option<string>("--max-errors") { Description = "SSM MaxErrors: failures after which SSM stops sending (a number or a percentage).", DefaultValueFactory = _ => "10%" };
        var executionTimeout = new Option<string>("--execution-timeout") { Description = "How long one node's collect may run.", DefaultValueFactory = _ => "10m" };
        var deliveryTimeout = new Option<string>("--delivery-timeout") { Description = "How long SSM may take to reach a node.", DefaultValueFactory = _ => "10m" };
        var poll = new Option<string>("--poll-interval") { Description = "First wait between status polls (grows ×1.5 up to 30s).", DefaultValueFactory = _ => "2s" };
        var collectArgs = new Option<string[]>("--collect-arg") { Description = "Extra argument for the node's 'amiaudit collect' (repeatable), e.g. --collect-arg=--window --collect-arg=10s." };
        var format = Choice.Option("--format", ["-f"], Formats, "console", "console or json (per-instance results on standard output).");
        var aws = new AwsCli();

        var collect = new Command("collect", "Run 'amiaudit collect --live --out s3://…' on every matching node through SSM Run Command.\n\n" +
            "Examples:\n  amiaudit fleet collect --ssm --region us-east-1 --target tag:eks:cluster-name=ml -o s3://audit/snap/\n" +
            "  amiaudit fleet collect --ssm --target availability-zone=us-east-1a --binary s3://tools/amiaudit -o s3://audit/snap/")
        {
            ssm, target, output, outAlias, binary, document, maxConcurrency, maxErrors, executionTimeout, deliveryTimeout, poll, collectArgs, format,
        };
        aws.AddTo(collect);
        collect.SetAction(parse =>
        {
            if (!parse.GetValue(ssm)) throw new UsageException("fleet collect needs --ssm (SSM Run Command is the transport)");
            var targets = AwsCli.Filters(parse.GetValue(target) ?? [], "--target");
            if (targets.Count == 0) throw new UsageException("give --target (tag:KEY=VALUE, availability-zone=AZ or instance ids): a fleet-wide run must be asked for");
            var outText = CommonOptions.OutputPath(parse, output, outAlias) ?? throw new UsageException("give --output s3://bucket/prefix/ (where the nodes write their snapshots)");
            S3Uri outUri;
            try
            {
                outUri = S3Uri.Parse(outText);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--output {e.Message}; the nodes write to S3");
            }
            if (!outUri.IsPrefix) outUri = outUri with { Key = outUri.Key + "/" };
            var request = new FleetRequest
            {
                Targets = targets,
                Commands = NodeCommand.Build(parse.GetValue(binary)!, outUri.ToString(), parse.GetValue(collectArgs) ?? []),
                DocumentName = parse.GetValue(document)!,
                MaxConcurrency = parse.GetValue(maxConcurrency)!,
                MaxErrors = parse.GetValue(maxErrors)!,
                ExecutionTimeout = Durations.Parse(parse.GetValue(executionTimeout), "--execution-timeout"),
                DeliveryTimeout = Durations.Parse(parse.GetValue(deliveryTimeout), "--delivery-timeout"),
                PollInitial = Durations.Parse(parse.GetValue(poll), "--poll-interval"),
            };
            var fmt = parse.GetValue(format)!;
            using var session = AwsCli.Open(aws.Read(parse, context), context);
            IReadOnlyList<InstanceRun> latest = [];
            FleetResult result;
            try
            {
                result = Task.Run(() => new FleetRun(session, context.Clock).RunAsync(request, runs =>
                {
                    latest = runs;
                    context.ProgressBlock(Table(runs, context.ConsoleWidth, live: true));
                }, context.Interruption.Token)).GetAwaiter().GetResult();
            }
            catch (AwsFailure)
            {
                context.ProgressBlock(null);
                // What was known before AWS failed is still the answer so far: print it, then exit 4 with the reason.
                if (latest.Count > 0) OutputFile.Write(context, null, Render(fmt, new FleetResult(latest, [], []), context.ConsoleWidth));
                throw;
            }
            context.ProgressBlock(null);
            foreach (var note in result.Notes) context.Diagnostic($"amiaudit: {note}");
            OutputFile.Write(context, null, Render(fmt, result, context.ConsoleWidth));
            if (result.Instances.Count == 0) return ExitCodes.CollectionFailed;
            var failed = result.Instances.Where(r => r.Outcome != RunOutcome.Success).ToList();
            if (failed.Count == 0) return ExitCodes.Passed;
            context.Diagnostic($"amiaudit: {failed.Count} of {result.Instances.Count} instances did not collect: {string.Join(", ", failed.Select(f => $"{f.InstanceId} ({f.Outcome})"))}");
            return result.Succeeded == 0 ? ExitCodes.CollectionFailed : ExitCodes.GateFailed;
        });

        return new Command("fleet", "Work on a fleet of nodes through AWS (SSM Run Command).") { collect };
    }

    private static string Render(string format, FleetResult result, int width)
    {
        if (format == "json") return Json(result);
        var lines = Table(result.Instances, width, live: false);
        var sb = new StringBuilder();
        foreach (var l in lines) sb.Append(l).Append('\n');
        var counts = result.Instances.GroupBy(i => i.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Name(g.Key)}");
        sb.Append(result.Instances.Count == 0 ? "no instance matched the targets\n" : string.Join(", ", counts) + $" of {result.Instances.Count} instances\n");
        return sb.ToString();
    }

    /// <summary>The table, rendered by Spectre.Console into plain lines (no colour, no cursor codes: the live redraw is
    /// <see cref="CliContext.ProgressBlock"/>'s); every cell is a Text renderable of escaped host text, never markup.</summary>
    private static List<string> Table(IReadOnlyList<InstanceRun> runs, int width, bool live)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
        console.Profile.Width = Math.Max(60, width);
        console.Profile.Capabilities.Unicode = true;
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("instance");
        table.AddColumn("zone");
        table.AddColumn("result");
        table.AddColumn("detail");
        // A live table of 2,000 rows would scroll the terminal away: while running, counts and the unfinished few.
        var shown = live && runs.Count > 20 ? runs.Where(r => !r.IsTerminal).Take(15).ToList() : runs.ToList();
        foreach (var r in shown)
            table.AddRow(new Text(Printable(r.InstanceId)), new Text(Printable(r.AvailabilityZone ?? "")), new Text(Printable(r.Status)), new Text(Printable(r.Detail ?? "")));
        console.Write(table);
        if (live) console.WriteLine($"{runs.Count(r => r.IsTerminal)}/{runs.Count} finished, {runs.Count(r => r.Outcome == RunOutcome.Success)} succeeded");
        return [.. writer.ToString().TrimEnd('\n').Split('\n')];
    }

    private static string Name(RunOutcome o) => o switch
    {
        RunOutcome.Success => "succeeded",
        RunOutcome.Failed => "failed",
        RunOutcome.TimedOut => "timed out",
        RunOutcome.Undeliverable => "undeliverable",
        RunOutcome.NoAgent => "without SSM agent",
        RunOutcome.Cancelled => "cancelled",
        _ => "pending",
    };

    /// <summary>Written with Utf8JsonWriter (no reflection; NativeAOT-safe), keys sorted, one object per instance.</summary>
    private static string Json(FleetResult result)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("commandIds");
            foreach (var id in result.CommandIds) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteStartArray("instances");
            foreach (var r in result.Instances)
            {
                w.WriteStartObject();
                if (r.AvailabilityZone is not null) w.WriteString("availabilityZone", r.AvailabilityZone);
                if (r.Detail is not null) w.WriteString("detail", r.Detail);
                w.WriteString("instanceId", r.InstanceId);
                w.WriteString("outcome", r.Outcome.ToString().ToLowerInvariant());
                w.WriteString("status", r.Status);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("succeeded", result.Succeeded);
            w.WriteNumber("total", result.Instances.Count);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }
}

using System.CommandLine;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Core.Model;

namespace AmiAudit.Cli.Commands;

/// <summary><c>amiaudit collect</c>: write a snapshot for later scan / diff / replay elsewhere.</summary>
public sealed class CollectCommand : IVerb
{
    public Command Build(CliContext context)
    {
        var root = CommonOptions.Root();
        var live = new Option<bool>("--live") { Description = "Collect the running node: offline facts from / plus live unit, container and probe state." };
        var hostRoot = new Option<string>("--host-root") { Description = "Where the host's /proc, /sys, journal and Docker socket are mounted (DaemonSet: /host).", DefaultValueFactory = _ => "/" };
        var window = new Option<string>("--window") { Description = "Sampling window for live rates and the CPU probe (e.g. 10s; 0 = single reading).", DefaultValueFactory = _ => "0s" };
        var output = new Option<string?>("--out", "-o") { Description = "Snapshot file to write (atomically: temp file + rename; a device or FIFO is written through). Default or '-': standard output." };
        var labels = new Option<string[]>("--label") { Description = "Attach a label to the target: KEY=VALUE (repeatable), e.g. --label pool=gpu." };
        var imageId = new Option<string?>("--image-id") { Description = "Record the AMI id (e.g. ami-0abc…) in the snapshot's target." };
        var az = new Option<string?>("--az") { Description = "Record the availability zone (e.g. us-east-1a) in the snapshot's target." };
        var since = TimeBounds.Since();
        var until = TimeBounds.Until();
        var format = new Option<string>("--format", "-f")
        {
            Description = "json (the snapshot, default), or console / markdown: a summary with the post-mortem timeline of the root's logs (the snapshot still goes to --out).",
            DefaultValueFactory = _ => "json",
        };
        format.AcceptOnlyFromAmong("json", "console", "markdown");

        var command = new Command("collect", "Collect a snapshot (JSON facts) from an image root or the live node, without judging it.\n\n" +
            "Examples:\n  amiaudit collect --root /mnt/image --out image.json\n  amiaudit collect --live --window 10s --out node.json\n" +
            "  amiaudit collect --root /mnt/dead-node --since 2026-03-03T00:00:00Z --out dead-node.json --format console")
        {
            root, live, hostRoot, window, output, labels, imageId, az, since, until, format,
        };
        command.SetAction(parse =>
        {
            var outPath = parse.GetValue(output);
            if (outPath?.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) == true)
                throw new UsageException("--out s3://… needs the AWS store, which this build does not include yet; write a file and copy it");
            var (from, to) = TimeBounds.Parse(parse.GetValue(since), parse.GetValue(until), context.Now);
            var snapshot = Run(context, new Collection.Request
            {
                Since = from,
                Until = to,
                Root = parse.GetValue(root),
                Live = parse.GetValue(live),
                HostRoot = parse.GetValue(hostRoot) ?? "/",
                Window = Durations.Parse(parse.GetValue(window), "--window"),
                Labels = ParseLabels(parse.GetValue(labels) ?? []),
                ImageId = parse.GetValue(imageId),
                AvailabilityZone = parse.GetValue(az),
            });
            if (snapshot is null) return ExitCodes.CollectionFailed;
            var fmt = parse.GetValue(format) ?? "json";
            if (outPath is not null || fmt == "json") OutputFile.Write(context, outPath, SnapshotJson.Serialize(snapshot));
            if (fmt != "json")
                context.Out.Write(AmiAudit.Reporting.Evidence.CollectSummary.Render(snapshot, fmt, outPath));
            return ExitCodes.Passed;
        });
        return command;
    }

    /// <summary>Collects, mapping "nothing collected" to null so callers return exit 4.</summary>
    internal static Snapshot? Run(CliContext context, Collection.Request request)
    {
        try
        {
            return Collection.Collect(request, context);
        }
        catch (CollectionFailedException e)
        {
            context.Diagnostic(e.Message);
            return null;
        }
    }

    internal static Dictionary<string, string> ParseLabels(IEnumerable<string> labels)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            var eq = label.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new UsageException($"--label '{label}': expected KEY=VALUE");
            result[label[..eq]] = label[(eq + 1)..];
        }
        return result;
    }
}

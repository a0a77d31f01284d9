using System.CommandLine;
using AmiAudit.Aws.Ec2;
using AmiAudit.Aws.Store;
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
        var output = CommonOptions.Output("Snapshot file to write (atomically: temp file + rename; a device or FIFO is written through), or s3://bucket/prefix/ (key PREFIX/YYYY-MM-DD/AZ/INSTANCE-ID.json.gz). Default or '-': standard output. With --ec2: a directory or s3:// prefix.");
        var outAlias = CommonOptions.OutAlias();
        var labels = new Option<string[]>("--label") { Description = "Attach a label to the target: KEY=VALUE (repeatable), e.g. --label pool=gpu." };
        var imageId = new Option<string?>("--image-id") { Description = "Record the AMI id (e.g. ami-0abc…) in the snapshot's target." };
        var az = new Option<string?>("--az") { Description = "Record the availability zone (e.g. us-east-1a) in the snapshot's target." };
        var since = TimeBounds.Since();
        var until = TimeBounds.Until();
        var format = Choice.Option("--format", ["-f"], ["json", "console", "markdown"], "json",
            "json (the snapshot, default), or console / markdown: a summary with the post-mortem timeline of the root's logs (the snapshot still goes to --output).");

        var instanceId = new Option<string?>("--instance-id") { Description = "Record the EC2 instance id in the snapshot's target (names the object under an s3:// --output)." };
        var ec2 = new Option<bool>("--ec2") { Description = "Inventory from the EC2 API instead (no agent on the nodes): one snapshot per instance with its AMI, launch template and decoded user data." };
        var filter = new Option<string[]>("--filter") { Description = "With --ec2: an EC2 filter NAME=VALUE[,VALUE…] (repeatable), e.g. tag:eks:cluster-name=ml, availability-zone=us-east-1a, instance-type=m6i.large." };
        var aws = new AwsCli();

        var command = new Command("collect", "Collect a snapshot (JSON facts) from an image root or the live node, without judging it.\n\n" +
            "Examples:\n  amiaudit collect --root /mnt/image -o image.json\n  amiaudit collect --live --window 10s -o node.json\n" +
            "  amiaudit collect --root /mnt/dead-node --since 2026-03-03T00:00:00Z -o dead-node.json --format console\n" +
            "  amiaudit collect --live -o s3://audit/snap/ --region us-east-1\n" +
            "  amiaudit collect --ec2 --region us-east-1 --filter tag:eks:cluster-name=ml -o s3://audit/inv/")
        {
            root, live, hostRoot, window, output, outAlias, labels, imageId, az, since, until, format, instanceId, ec2, filter,
        };
        aws.AddTo(command);
        command.SetAction(parse =>
        {
            var outPath = CommonOptions.OutputPath(parse, output, outAlias);
            if (parse.GetValue(ec2))
            {
                if (parse.GetValue(root) is not null || parse.GetValue(live)) throw new UsageException("--ec2 reads the EC2 API; it does not combine with --root or --live");
                return Inventory(context, aws.Read(parse, context), AwsCli.Filters(parse.GetValue(filter) ?? [], "--filter"), outPath);
            }
            if (parse.GetValue(filter) is { Length: > 0 }) throw new UsageException("--filter selects EC2 instances; it needs --ec2");
            var s3 = S3Out(outPath);
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
            if (parse.GetValue(instanceId) is { } id) snapshot = snapshot with { Target = snapshot.Target with { InstanceId = id } };
            if (s3 is not null)
            {
                using var session = AwsCli.Open(aws.Read(parse, context), context);
                var written = new SnapshotStore(session).PutAsync(s3, snapshot, context.Now, context.Interruption.Token).GetAwaiter().GetResult();
                context.Diagnostic($"amiaudit: wrote {written}");
            }
            var fmt = parse.GetValue(format) ?? "json";
            if (s3 is null && (outPath is not null || fmt == "json"))
            {
                OutputFile.Write(context, outPath, SnapshotJson.Serialize(snapshot));
                // A file is written silently otherwise; standard output needs no confirmation (it is the output).
                if (!OutputFile.IsStandardOutput(outPath))
                    context.Diagnostic($"amiaudit: wrote {outPath} ({snapshot.Systemd.Units.Count} units, {snapshot.Containers.Count} containers)");
            }
            if (fmt != "json")
                context.Out.Write(AmiAudit.Reporting.Evidence.CollectSummary.Render(snapshot, fmt, outPath));
            return ExitCodes.Passed;
        });
        return command;
    }

    private static S3Uri? S3Out(string? outPath)
    {
        if (!S3Uri.Looks(outPath)) return null;
        try
        {
            return S3Uri.Parse(outPath!);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--output {e.Message}");
        }
    }

    /// <summary>
    /// <c>collect --ec2</c>: one snapshot per instance, written as the inventory pages in. An AWS failure part-way
    /// keeps what was written (the count is on stderr) and exits 4.
    /// </summary>
    private static int Inventory(CliContext context, AmiAudit.Aws.Plumbing.AwsOptions options, IReadOnlyList<Ec2Filter> filters, string? outPath)
    {
        if (OutputFile.IsStandardOutput(outPath))
            throw new UsageException("--ec2 writes one snapshot per instance: give --output DIR/ or --output s3://bucket/prefix/");
        var s3 = S3Out(outPath);
        using var session = AwsCli.Open(options, context);
        var cancel = context.Interruption.Token;
        return Task.Run(async () =>
        {
            await using var sink = s3 is not null ? SnapshotOutput.ToS3(context, s3, session) : SnapshotOutput.ToDirectory(context, outPath!);
            var inventory = new Ec2Inventory(session);
            var count = 0;
            try
            {
                await foreach (var snapshot in inventory.CollectAsync(new InventoryRequest { Filters = filters, Now = context.Now, Version = Version, PageSize = PageSize(context) }, cancel).ConfigureAwait(false))
                {
                    context.Interruption.ThrowIfRequested();
                    await sink.AddAsync(snapshot, cancel).ConfigureAwait(false);
                    if (++count % 100 == 0) context.Progress($"inventory: {count} instances");
                }
                await sink.CompleteAsync().ConfigureAwait(false);
            }
            catch (AmiAudit.Aws.Plumbing.AwsFailure)
            {
                context.Progress(null);
                try { await sink.CompleteAsync().ConfigureAwait(false); } catch (AmiAudit.Aws.Plumbing.AwsFailure) { }
                // Only when there is a partial result to speak of: a failure before the first page is the one line.
                if (count > 0) context.Diagnostic($"amiaudit: inventory stopped after {count} instances; {sink.Written} snapshots were written to {sink.Destination} and kept");
                throw;
            }
            context.Progress(null);
            context.Diagnostic($"amiaudit: {sink.Written} snapshots ({inventory.Pages} DescribeInstances pages) written to {sink.Destination}");
            if (count == 0) context.Diagnostic("amiaudit: no instance matches the filters");
            return ExitCodes.Passed;
        }).GetAwaiter().GetResult();
    }

    /// <summary>AMIAUDIT_EC2_PAGE_SIZE: DescribeInstances page size (tests use small pages to see pagination and partial results).</summary>
    internal static int PageSize(CliContext context) =>
        context.Environment.TryGetValue("AMIAUDIT_EC2_PAGE_SIZE", out var v) && int.TryParse(v, out var n) ? n : 1000;

    private static string? Version => typeof(CollectCommand).Assembly.GetName().Version?.ToString(3);

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

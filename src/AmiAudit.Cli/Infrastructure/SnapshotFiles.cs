using AmiAudit.Aws.Plumbing;
using AmiAudit.Aws.Store;
using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Core.Model;

namespace AmiAudit.Cli.Infrastructure;

public static class SnapshotFiles
{
    /// <summary>Hard cap: a snapshot is facts, not logs; anything larger is not one of ours.</summary>
    public const long MaxBytes = InputFile.SnapshotMaxBytes;

    /// <summary>A snapshot named directly (<c>scan --snapshot</c>): anything but a regular file under the cap is exit 3.</summary>
    public static Snapshot Load(string path)
    {
        string text;
        try
        {
            text = InputFile.ReadAllText(path, MaxBytes);
        }
        catch (InputFileException e)
        {
            throw new InvalidInputException(e.Reason == "no such file"
                ? $"amiaudit: {path}: no such snapshot file"
                : $"{path}:1:1: {e.Reason}; not a snapshot");
        }
        try
        {
            return SnapshotJson.Deserialize(text, path);
        }
        catch (SnapshotFormatException e)
        {
            throw new InvalidInputException(e.Message);
        }
    }

    /// <summary><c>scan --snapshot s3://bucket/key</c>: one stored object (gzip or not), with the same caps and errors
    /// as a file — exit 3 for what is not a snapshot, exit 4 when S3 cannot be reached.</summary>
    public static Snapshot LoadS3(string url, AwsOptions options, CliContext context)
    {
        S3Uri uri;
        try
        {
            uri = S3Uri.Parse(url);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--snapshot {e.Message}");
        }
        if (uri.IsPrefix) throw new UsageException($"--snapshot {url}: names a prefix; give one object (…/INSTANCE-ID.json.gz)");
        using var session = AwsCli.Open(options, context);
        byte[] bytes;
        try
        {
            bytes = new SnapshotStore(session).ReadAsync(uri, null, context.Interruption.Token).GetAwaiter().GetResult();
        }
        catch (StoredObjectException e)
        {
            throw new InvalidInputException(e.Reason == "no such object" ? $"amiaudit: {url}: no such snapshot object" : $"{url}:1:1: {e.Reason}");
        }
        try
        {
            return SnapshotJson.Deserialize(System.Text.Encoding.UTF8.GetString(bytes), url);
        }
        catch (SnapshotFormatException e)
        {
            throw new InvalidInputException(e.Message);
        }
    }
}

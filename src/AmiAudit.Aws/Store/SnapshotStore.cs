using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using AmiAudit.Aws.Plumbing;
using AmiAudit.Core.Model;
using Amazon.S3;
using Amazon.S3.Model;

namespace AmiAudit.Aws.Store;

/// <summary>An object under a listed prefix: key and size as ListObjectsV2 reported them.</summary>
public sealed record StoredObject(S3Uri Uri, long Size)
{
    /// <summary>*.json or *.json.gz: anything else under a prefix is foreign and skipped.</summary>
    public bool LooksLikeSnapshot => Uri.Key.EndsWith(".json", StringComparison.Ordinal) || Uri.Key.EndsWith(".json.gz", StringComparison.Ordinal);
}

/// <summary>A stored object that is not a snapshot we can read (too large, not gzip, not found); the reader skips it with this reason.</summary>
public sealed class StoredObjectException(string uri, string reason) : Exception($"{uri}: {reason}")
{
    public string Uri { get; } = uri;
    public string Reason { get; } = reason;
}

/// <summary>
/// Snapshots in S3. Layout (docs/aws.md): <c>PREFIX/YYYY-MM-DD/AZ/INSTANCE-ID.json.gz</c> — the UTC day of the
/// collection, the availability zone, the instance — so a week is seven prefix listings and a zone of a day is one.
/// Written gzip-compressed in one PutObject (snapshots are ~10–200 KB); read back whether or not they are gzipped
/// (gzip is recognised by its magic bytes, not the name). Reads are capped twice: the object's size before the
/// GET, the decompressed bytes while inflating — a gzip bomb or a 5 GB log someone dropped under the prefix costs
/// one capped read, never the memory.
/// </summary>
public sealed class SnapshotStore(AwsSession session, long maxSnapshotBytes = SnapshotStore.MaxSnapshotBytes)
{
    /// <summary>Same cap as a snapshot file read from disk.</summary>
    public const long MaxSnapshotBytes = 256L * 1024 * 1024;

    /// <summary>Where the layout puts <paramref name="snapshot"/> under <paramref name="prefix"/>.</summary>
    public static string KeyFor(string prefix, Snapshot snapshot, DateTimeOffset now)
    {
        var day = (snapshot.Target.CollectedAt ?? now).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var az = Segment(snapshot.Target.AvailabilityZone ?? snapshot.Ec2?.Instance.AvailabilityZone, "unknown-az");
        var id = Segment(snapshot.Target.InstanceId ?? snapshot.Target.Hostname, "unknown-instance");
        var p = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
        return $"{p}{day}/{az}/{id}.json.gz";
    }

    /// <summary>A key segment from host data: no '/', no control or odd characters, never empty or a dot name.</summary>
    private static string Segment(string? value, string fallback)
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        var sb = new StringBuilder(value.Length);
        foreach (var c in value.Trim()) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        var s = sb.ToString().Trim('.');
        return s.Length == 0 ? fallback : s.Length > 128 ? s[..128] : s;
    }

    /// <summary>Writes one snapshot. An explicit key (<c>s3://b/x.json</c>) is used as given (gzipped only if it ends in .gz);
    /// a prefix gets the layout. Returns the URI written.</summary>
    public async Task<S3Uri> PutAsync(S3Uri target, Snapshot snapshot, DateTimeOffset now, CancellationToken cancel)
    {
        var json = SnapshotJson.Serialize(snapshot);
        var key = target.IsPrefix ? KeyFor(target.Key, snapshot, now) : target.Key;
        var gzip = key.EndsWith(".gz", StringComparison.Ordinal);
        var body = gzip ? Gzip(json) : Encoding.UTF8.GetBytes(json);
        var uri = target.Child(key);
        await session.Call("S3 PutObject", ct => session.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = uri.Bucket,
            Key = uri.Key,
            InputStream = new MemoryStream(body, writable: false),
            ContentType = "application/json",
            // Not Content-Encoding: gzip — HTTP clients would inflate it silently and the bytes would not match the name.
            AutoCloseStream = true,
            UseChunkEncoding = false,
        }, ct), cancel).ConfigureAwait(false);
        return uri;
    }

    public static byte[] Gzip(string json)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            gz.Write(Encoding.UTF8.GetBytes(json));
        return buffer.ToArray();
    }

    /// <summary>Every object under <paramref name="prefix"/>, one ListObjectsV2 page (≤1,000 keys) at a time, in key order.</summary>
    public async IAsyncEnumerable<StoredObject> ListAsync(S3Uri prefix, [EnumeratorCancellation] CancellationToken cancel, int pageSize = 1000)
    {
        string? token = null;
        do
        {
            var page = await session.Call("S3 ListObjectsV2", ct => session.S3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = prefix.Bucket,
                Prefix = prefix.Key,
                ContinuationToken = token,
                MaxKeys = pageSize,
            }, ct), cancel).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
                if (!o.Key.EndsWith('/')) yield return new StoredObject(prefix.Child(o.Key), o.Size ?? 0);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        } while (token is not null);
    }

    /// <summary>The snapshot JSON (UTF-8) of one object, inflated when it is gzip. Throws <see cref="StoredObjectException"/>
    /// for an object that cannot be one of ours, <see cref="AwsFailure"/> when S3 itself fails.</summary>
    public async Task<byte[]> ReadAsync(S3Uri uri, long? listedSize, CancellationToken cancel)
    {
        if (listedSize > maxSnapshotBytes) throw new StoredObjectException(uri.ToString(), $"larger than {Size(maxSnapshotBytes)}; not a snapshot");
        GetObjectResponse response;
        try
        {
            response = await session.Call("S3 GetObject", ct => session.S3.GetObjectAsync(uri.Bucket, uri.Key, ct), cancel).ConfigureAwait(false);
        }
        catch (AwsFailure e) when (e.InnerException is AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.NotFound })
        {
            throw new StoredObjectException(uri.ToString(), "no such object");
        }
        using (response)
        {
            if (response.ContentLength > maxSnapshotBytes) throw new StoredObjectException(uri.ToString(), $"larger than {Size(maxSnapshotBytes)}; not a snapshot");
            var raw = await ReadCapped(response.ResponseStream, maxSnapshotBytes, uri, cancel).ConfigureAwait(false);
            if (raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
            {
                await using var gz = new GZipStream(new MemoryStream(raw, writable: false), CompressionMode.Decompress);
                try
                {
                    return await ReadCapped(gz, maxSnapshotBytes, uri, cancel).ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    throw new StoredObjectException(uri.ToString(), $"corrupt gzip: {e.Message}");
                }
            }
            if (uri.Key.EndsWith(".gz", StringComparison.Ordinal))
                throw new StoredObjectException(uri.ToString(), "named .gz but not gzip-compressed");
            return raw;
        }
    }

    private static string Size(long bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / 1024 / 1024} MiB" : $"{bytes} bytes";

    private static async Task<byte[]> ReadCapped(Stream stream, long cap, S3Uri uri, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var n = await stream.ReadAsync(chunk, cancel).ConfigureAwait(false);
            if (n == 0) break;
            if (buffer.Length + n > cap) throw new StoredObjectException(uri.ToString(), $"larger than {Size(cap)} (decompressed); not a snapshot");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}

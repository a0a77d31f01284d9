namespace AmiAudit.Core.Urls;

/// <summary>
/// Bucket, key and region of an S3 object, whatever URL style named it (node-facts 5.3):
/// <c>{bucket}.s3.{region}.amazonaws.com/{key}</c>, <c>{bucket}.s3-{region}.amazonaws.com/{key}</c>,
/// <c>{bucket}.s3.amazonaws.com/{key}</c>, <c>s3.{region}.amazonaws.com/{bucket}/{key}</c>,
/// <c>s3-{region}.amazonaws.com/{bucket}/{key}</c>, <c>s3.amazonaws.com/{bucket}/{key}</c>, dual-stack and FIPS
/// variants, the China and ISO partitions, and <c>s3://{bucket}/{key}</c>.
/// </summary>
public sealed record S3Location(string Bucket, string? Key, string? Region)
{
    private static readonly string[] Domains = ["amazonaws.com.cn", "amazonaws.com", "c2s.ic.gov", "sc2s.sgov.gov"];

    public static S3Location? From(ParsedUrl url)
    {
        if (url.Scheme == "s3")
        {
            if (url.Host.Contains('$')) return null;
            return new S3Location(url.Host, EmptyToNull(url.Path.TrimStart('/')), null);
        }
        if (url.Scheme is not ("http" or "https")) return null;

        var domain = Domains.FirstOrDefault(d => url.Host.EndsWith("." + d, StringComparison.Ordinal));
        if (domain is null) return null;
        var labels = url.Host[..^(domain.Length + 1)].Split('.');

        // The S3 label is the last one that is "s3" or "s3-…": a bucket may itself start with "s3-", a region never does.
        var i = Array.FindLastIndex(labels, l => l == "s3" || l.StartsWith("s3-", StringComparison.Ordinal));
        if (i < 0) return null;
        var region = RegionOf(labels[i], labels[(i + 1)..]);
        var bucket = string.Join('.', labels[..i]);
        var path = url.Path.TrimStart('/');
        if (bucket.Length > 0) return bucket.Contains('$') ? null : new S3Location(bucket, EmptyToNull(path), region);

        // Path style: the first path segment is the bucket.
        var slash = path.IndexOf('/');
        var pathBucket = slash < 0 ? path : path[..slash];
        if (pathBucket.Length == 0 || pathBucket.Contains('$')) return null;
        return new S3Location(pathBucket, slash < 0 ? null : EmptyToNull(path[(slash + 1)..]), region);
    }

    private static string? RegionOf(string s3Label, string[] after)
    {
        var rest = after.Where(l => l is not ("dualstack" or "accesspoint")).ToArray();
        if (rest.Length == 1 && rest[0].Contains('-')) return rest[0];
        if (s3Label.StartsWith("s3-", StringComparison.Ordinal))
        {
            var r = s3Label[3..];
            if (r.StartsWith("website-", StringComparison.Ordinal)) r = r["website-".Length..];
            if (r == "external-1") return "us-east-1";
            return r.Contains('-') && !r.StartsWith("fips", StringComparison.Ordinal) && r != "accelerate" ? r : null;
        }
        return null;
    }

    private static string? EmptyToNull(string s) => s.Length == 0 ? null : s;
}

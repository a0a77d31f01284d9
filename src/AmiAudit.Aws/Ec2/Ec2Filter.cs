namespace AmiAudit.Aws.Ec2;

/// <summary>
/// One <c>--filter NAME=V1,V2</c> / <c>--target</c>: an EC2 DescribeInstances filter (<c>tag:eks:cluster-name=ml</c>,
/// <c>instance-type=m6i.large</c>, <c>availability-zone=us-east-1a</c>). A bare instance id (<c>i-0abc…</c>) means
/// <c>instance-id=…</c>. The split is at the <b>last</b> '=' before the values, so tag keys may hold ':' and '/'.
/// </summary>
public sealed record Ec2Filter(string Name, IReadOnlyList<string> Values)
{
    public const string AvailabilityZone = "availability-zone";

    public static Ec2Filter Parse(string text)
    {
        var t = text.Trim();
        if (t.StartsWith("i-", StringComparison.Ordinal) && !t.Contains('='))
            return new Ec2Filter("instance-id", [.. t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]);
        // tag:a=b=c is ambiguous; EC2 tag values may contain '=', keys rarely do, so the first '=' splits.
        var eq = t.IndexOf('=');
        if (eq <= 0 || eq == t.Length - 1)
            throw new FormatException($"'{text}': expected NAME=VALUE[,VALUE…] (e.g. tag:eks:cluster-name=ml, instance-type=m6i.large) or an instance id");
        var values = t[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (values.Length == 0) throw new FormatException($"'{text}': no value after '='");
        var name = t[..eq].Trim();
        if (name is "az" or "zone") name = AvailabilityZone;
        return new Ec2Filter(name, values);
    }

    public override string ToString() => $"{Name}={string.Join(',', Values)}";
}

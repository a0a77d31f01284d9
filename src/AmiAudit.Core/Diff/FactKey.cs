namespace AmiAudit.Core.Diff;

/// <summary>
/// A flattened key is <c>kind/subject/attribute</c>; the subject may itself contain '/' (paths, "ena/eth0"),
/// the kind and attribute never do, so the split is unambiguous. Examples:
/// <c>unit/ecs.service/activeState</c>, <c>binary//usr/bin/kubelet/sha256</c>, <c>probe/ena/eth0/resets</c>.
/// </summary>
public readonly record struct FactKey(string Kind, string Subject, string Attribute)
{
    public const string Absent = "(absent)";

    public static string Make(string kind, string subject, string attribute) =>
        subject.Length == 0 ? string.Concat(kind, "/", attribute) : string.Concat(kind, "/", subject, "/", attribute);

    public static FactKey Parse(string key)
    {
        var first = key.IndexOf('/');
        var last = key.LastIndexOf('/');
        if (first < 0) return new FactKey(key, "", "");
        if (first == last) return new FactKey(key[..first], "", key[(first + 1)..]);
        return new FactKey(key[..first], key[(first + 1)..last], key[(last + 1)..]);
    }

    public override string ToString() => Make(Kind, Subject, Attribute);
}

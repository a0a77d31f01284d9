using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using AmiAudit.Core.Diff;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Tests.Diff;

/// <summary>
/// The diff's hand-written reader must return what System.Text.Json returns, or decline (and let the serializer
/// path report the error). Compared through the canonical serialisation, which covers every data property.
/// </summary>
public class SnapshotUtf8ReaderTests
{
    private static string Canonical(Snapshot s) => SnapshotJson.SerializeSorted(s, SnapshotJson.Options);

    /// <summary>What the serializer returns — with the one key the reader defaults instead of declining:
    /// unit loadErrors, added after the first v1 snapshots, absent = [] as SnapshotJson.Deserialize fills it.</summary>
    private static Snapshot Reference(string json)
    {
        var s = JsonSerializer.Deserialize<Snapshot>(json, SnapshotJson.Options)!;
        return s with { Systemd = s.Systemd with { Units = [.. s.Systemd.Units.Select(u => u with { LoadErrors = u.LoadErrors ?? [] })] } };
    }

    private static void AssertAgrees(string json)
    {
        SnapshotUtf8Reader.TryRead(Encoding.UTF8.GetBytes(json), out var fast).ShouldBeTrue();
        Canonical(fast!).ShouldBe(Canonical(Reference(json)));
    }

    [Fact]
    public void Every_model_property_is_read_like_the_serializer_reads_it()
    {
        // Reflection fills every settable property with a non-default value: a property the reader does not know
        // (e.g. one added to the model later) would be missing from its result, and this comparison fails.
        var full = (Snapshot)Fill(typeof(Snapshot), depth: 0);
        var json = JsonSerializer.Serialize(full, SnapshotJson.Options);
        json.ShouldContain("\"failureMessage\"");
        json.ShouldContain("\"counters\"");
        AssertAgrees(json);
        // The raw (unsorted) serializer output too, and the canonical sorted form.
        AssertAgrees(SnapshotJson.Serialize(full));
    }

    [Fact]
    public void A_snapshot_written_before_load_errors_existed_reads_as_fully_read_on_both_paths()
    {
        var json = Complete.Replace("\"loadErrors\": [],", "", StringComparison.Ordinal);
        json.ShouldNotContain("loadErrors");
        SnapshotUtf8Reader.TryRead(Encoding.UTF8.GetBytes(json), out var fast).ShouldBeTrue();
        fast!.Systemd.Units.ShouldAllBe(u => u.LoadErrors.Count == 0);
        SnapshotJson.Deserialize(json, "old.json").Systemd.Units.ShouldAllBe(u => u.LoadErrors != null && u.LoadErrors.Count == 0);
    }

    [Fact]
    public void Incident_example_snapshots_read_the_same()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "examples", "incident"), "*.json", SearchOption.AllDirectories);
        files.ShouldNotBeEmpty();
        foreach (var f in files) AssertAgrees(File.ReadAllText(f));
    }

    [Fact]
    public void Synthetic_fleet_nodes_read_the_same_and_flatten_the_same()
    {
        foreach (var node in IncidentFleet.Zone('a').Concat(IncidentFleet.Zone('b')).Concat(TestFleet.Side(3)))
        {
            var json = SnapshotJson.Serialize(node);
            AssertAgrees(json);
            SnapshotUtf8Reader.TryRead(Encoding.UTF8.GetBytes(json), out var fast).ShouldBeTrue();
            var ignore = new GlobMatcher([]);
            var a = FactFlattener.FlattenAll(fast!, ignore);
            var b = FactFlattener.FlattenAll(Reference(json), ignore);
            a.Facts.OrderBy(p => p.Key, StringComparer.Ordinal).ShouldBe(b.Facts.OrderBy(p => p.Key, StringComparer.Ordinal));
            a.Text.OrderBy(p => p.Key, StringComparer.Ordinal).ShouldBe(b.Text.OrderBy(p => p.Key, StringComparer.Ordinal));
            a.Numbers.OrderBy(p => p.Key, StringComparer.Ordinal).ShouldBe(b.Numbers.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
    }

    /// <summary>A complete snapshot (what amiaudit writes), to mutate.</summary>
    private static string Complete => SnapshotJson.Serialize(TestFleet.Node(1));

    private static string Mutate(string find, string replace)
    {
        var json = Complete;
        json.ShouldContain(find);
        var at = json.IndexOf(find, StringComparison.Ordinal);
        return json[..at] + replace + json[(at + find.Length)..];
    }

    public static TheoryData<string, string> Declined => new()
    {
        { "truncated", "{\"schema\":\"amiaudit.snapshot/v1\",\"target\":[\n" },
        { "another version", Complete.Replace("amiaudit.snapshot/v1", "amiaudit.snapshot/v2", StringComparison.Ordinal) },
        { "no schema", Mutate("\"schema\": \"amiaudit.snapshot/v1\",", "") },
        { "schema twice", Mutate("\"schema\": \"amiaudit.snapshot/v1\",", "\"schema\": \"amiaudit.snapshot/v2\", \"schema\": \"amiaudit.snapshot/v1\",") },
        { "number for a string", Mutate("\"name\": \"u00.service\"", "\"name\": 5") },
        { "null for a non-null string", Mutate("\"name\": \"u00.service\"", "\"name\": null") },
        { "absent non-null string", Mutate("\"name\": \"u00.service\",", "") },
        { "fraction for a long", Mutate("\"systemd\": {", "\"systemd\": { \"units\": [{ \"nRestarts\": 1.5 }],") },
        { "null for a non-null object", Mutate("\"systemd\": {", "\"systemd\": null, \"x\": {") },
        { "wrong type in a field the diff ignores", Mutate("\"diagnostics\": []", "\"diagnostics\": \"x\"") },
        { "not a date", Mutate("\"collectedAt\": \"", "\"collectedAt\": \"yesterday\", \"x\": \"") },
        { "trailing content", Complete + "{}" },
        { "comment", Mutate("\"schema\"", "/* c */ \"schema\"") },
        { "not an object", "[]" },
    };

    [Theory]
    [MemberData(nameof(Declined))]
    public void Anything_unsure_is_declined_for_the_serializer_to_word(string why, string json) =>
        SnapshotUtf8Reader.TryRead(Encoding.UTF8.GetBytes(json), out _).ShouldBeFalse(why);

    public static TheoryData<string, string> Accepted => new()
    {
        { "as written", Complete },
        { "nulls and unknown properties", Mutate("\"os\": {", "\"probes\": null, \"unknown\": {\"deep\": [1, 2, {\"x\": null}]}, \"os\": {") },
        { "duplicates: last wins", Mutate("\"hostname\": \"node-1\"", "\"hostname\": \"a\", \"hostname\": \"b\", \"labels\": {\"k\": \"v\", \"k\": \"w\"}") },
        { "escapes", Mutate("\"name\": \"u00.service\"", "\"n\\u0061me\": \"\\u00e9\\\"q\\\".service\"") },
        { "absent value types get default", Mutate("\"startsAtBoot\": true,", "") },
        { "numbers", Mutate("\"os\": {", "\"probes\": {\"cpu\": {\"status\": \"ok\", \"windowSeconds\": 1e1, \"cores\": [{\"cpu\": 0, \"sys\": -0.5, \"topProcesses\": [{\"comm\": \"k\", \"percent\": 99.5}], \"enaIrqs\": []}]}}, \"os\": {") },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Valid_variations_read_the_same(string why, string json)
    {
        SnapshotUtf8Reader.TryRead(Encoding.UTF8.GetBytes(json), out var fast).ShouldBeTrue(why);
        Canonical(fast!).ShouldBe(Canonical(Reference(json)), why);
    }

    // ---- reflection filler ---------------------------------------------------------------------------------

    private static object Fill(Type type, int depth)
    {
        var o = Activator.CreateInstance(type)!;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            p.SetValue(o, p.Name == nameof(Snapshot.Schema) && type == typeof(Snapshot) ? Snapshot.CurrentSchema : Value(p.PropertyType, p.Name, p.GetValue(o), depth));
        return o;
    }

    private static object Value(Type t, string name, object? current, int depth)
    {
        var u = Nullable.GetUnderlyingType(t) ?? t;
        if (u == typeof(string)) return $"{name}-value";
        if (u == typeof(bool)) return current is bool b ? !b : true;
        if (u == typeof(int)) return 7;
        if (u == typeof(long)) return 70_000_000_000L;
        if (u == typeof(double)) return 2.5;
        if (u == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 3, 1, 12, 30, 0, TimeSpan.FromHours(1));
        if (u.IsGenericType && u.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(u)!;
            var item = u.GetGenericArguments()[0];
            list.Add(Value(item, name + "0", null, depth + 1));
            list.Add(Value(item, name + "1", null, depth + 1));
            return list;
        }
        if (u.IsGenericType && u.GetGenericTypeDefinition() == typeof(SortedDictionary<,>))
        {
            var dict = (IDictionary)Activator.CreateInstance(u)!;
            dict["k1"] = Value(u.GetGenericArguments()[1], name, null, depth + 1);
            return dict;
        }
        if (u.IsClass && depth < 8) return Fill(u, depth + 1);
        throw new InvalidOperationException($"no filler for {t} ({name}); teach the test and SnapshotUtf8Reader the new type");
    }
}

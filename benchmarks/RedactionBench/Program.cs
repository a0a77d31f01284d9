using System.Diagnostics;
using AmiAudit.Collectors;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Diff;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;

namespace RedactionBench;

/// <summary>
/// What the structural redaction pass costs, in process (benchmarks/redaction-bench.sh runs it):
///   RedactionBench ROOT...        per root: collect without the pass (each collector directly), then the pass on
///                                 that raw snapshot (rewrite when a secret is found) and on the redacted one (walk only)
///   RedactionBench --fleet DIR N  the diff's per-file path on N snapshot files: read (SnapshotUtf8Reader), redact, flatten
/// Medians of RUNS (env, default 15) after one warm-up.
/// </summary>
public static class Program
{
    private static readonly int Runs = int.TryParse(Environment.GetEnvironmentVariable("RUNS"), out var r) ? r : 15;

    public static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "--fleet") return Fleet(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 500);
        foreach (var root in args) Root(root);
        return 0;
    }

    private static void Root(string root)
    {
        Snapshot Raw()
        {
            var context = new CollectionContext { Fs = new RootFileSystem(root) };
            var s = new Snapshot();
            foreach (var c in SnapshotCollector.All.Where(c => c.AppliesTo(CollectionMode.ImageRoot))) s = c.Collect(context, s);
            return s;
        }
        var raw = Raw();
        var collect = Median(() => Raw());
        var redacted = SnapshotRedaction.Redact(raw);
        var rewrite = Median(() => SnapshotRedaction.Redact(raw));
        var walk = Median(() => SnapshotRedaction.Redact(redacted));
        var serialize = Median(() => SnapshotJson.Serialize(redacted));
        Console.WriteLine($"{Path.GetFileName(root.TrimEnd('/')),-22} units {raw.Systemd.Units.Count,5}  collect (no pass) {collect,8:F1} ms  " +
                          $"pass: {(ReferenceEquals(redacted, raw) ? "clean, walk only" : "rewrite")} {rewrite,7:F1} ms  walk of a redacted snapshot {walk,6:F2} ms  (serialize {serialize,6:F1} ms)");
    }

    private static int Fleet(string dir, int n)
    {
        var files = Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal).Take(n).Select(File.ReadAllBytes).ToList();
        var ignore = new GlobMatcher([]);
        var snapshots = files.Select(b => SnapshotUtf8Reader.TryRead(b, out var s) ? s : throw new InvalidOperationException()).ToList();
        var read = Median(() => { foreach (var b in files) SnapshotUtf8Reader.TryRead(b, out _); });
        var redact = Median(() => { foreach (var s in snapshots) SnapshotRedaction.Redact(s); });
        var flatten = Median(() => { foreach (var s in snapshots) FactFlattener.FlattenAll(s, ignore); });
        var strings = new List<string>();
        void Collect(System.Text.Json.JsonElement e)
        {
            switch (e.ValueKind)
            {
                case System.Text.Json.JsonValueKind.String: strings.Add(e.GetString()!); break;
                case System.Text.Json.JsonValueKind.Array: foreach (var x in e.EnumerateArray()) Collect(x); break;
                case System.Text.Json.JsonValueKind.Object: foreach (var p in e.EnumerateObject()) Collect(p.Value); break;
            }
        }
        using (var doc = System.Text.Json.JsonDocument.Parse(files[0])) Collect(doc.RootElement);
        var text = Median(() => { foreach (var s in strings) Redactor.RedactText(s); });
        WalkProbe.Run(snapshots[0], 5);
        var (visits, ms) = WalkProbe.Run(snapshots[0], 200);
        Console.WriteLine($"bare contract walk (no string check): {visits} visits, {ms * 1000:F1} µs per snapshot");
        Console.WriteLine($"{strings.Count} strings in one file: RedactText over all of them {text * 1000,6:F1} µs ({text * 1e6 / strings.Count:F0} ns per string)");
        Console.WriteLine($"{files.Count} files: per file read {read * 1000 / files.Count,6:F1} µs  redact {redact * 1000 / files.Count,6:F1} µs  flatten {flatten * 1000 / files.Count,6:F1} µs  " +
                          $"→ redaction adds {redact / (read + flatten) * 100:F1} % to read+flatten");
        return 0;
    }

    private static double Median(Action action)
    {
        action();
        var times = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}

/// <summary>Experiment: the walk's own overhead, with a no-op string check.</summary>
public static class WalkProbe
{
    public static (int Visits, double Ms) Run(Snapshot s, int runs)
    {
        var info = SnapshotJson.Options.GetTypeInfo(typeof(Snapshot));
        var visits = 0;
        void Walk(object value, System.Text.Json.Serialization.Metadata.JsonTypeInfo ti)
        {
            switch (ti.Kind)
            {
                case System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object:
                    foreach (var p in ti.Properties)
                    {
                        if (p.PropertyType.IsValueType) continue;
                        var v = p.Get!(value);
                        visits++;
                        if (v is null || v is string) continue;
                        Walk(v, ti.Options.GetTypeInfo(p.PropertyType));
                    }
                    break;
                case System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Enumerable when value is System.Collections.IList list:
                    var et = ti.Options.GetTypeInfo(ti.ElementType!);
                    for (var i = 0; i < list.Count; i++) { visits++; if (list[i] is { } x and not string) Walk(x, et); }
                    break;
            }
        }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (var r = 0; r < runs; r++) Walk(s, info);
        return (visits / runs, sw.Elapsed.TotalMilliseconds / runs);
    }
}

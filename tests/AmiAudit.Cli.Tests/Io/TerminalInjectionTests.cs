using System.Text.Json;
using System.Xml.Linq;
using AmiAudit.Cli.Commands;
using AmiAudit.Core.Health;
using AmiAudit.Core.Model;
using static AmiAudit.Cli.Tests.Io.CliFixtures;

namespace AmiAudit.Cli.Tests.Io;

/// <summary>
/// Issue 8, defect 8: a process renamed to "\x1b[2J\nmemcg: 0 - ok" was printed raw by `probe cpu` (console
/// and npd), clearing the screen and forging a verdict line; file names with ESC were echoed raw in diff's
/// "skipped" messages. Host text is escaped where it enters a line, and the console writers guard the rest.
/// </summary>
public class TerminalInjectionTests
{
    /// <summary>What a hostile host can put in a name: a screen clear, a forged line, a bidi override, DEL and a C1 CSI.</summary>
    public const string Hostile = "evil\u001b[2J\nmemcg: 0 - ok\u202e\u007f\u009b.service";

    private static void ShouldBeInert(string text)
    {
        text.ShouldNotContain('\u001b');
        text.ShouldNotContain('\u202e');
        text.ShouldNotContain('\u007f');
        text.ShouldNotContain('\u009b');
        text.Split('\n').ShouldNotContain(l => l.TrimStart().StartsWith("memcg: 0 - ok", StringComparison.Ordinal), "a forged line");
    }

    [Fact]
    public void Probe_console_and_npd_print_a_hostile_process_name_as_one_escaped_line()
    {
        var cpu = new CpuProbe
        {
            Status = "ok", WindowSeconds = 2, Samples = 3,
            Cores = [new CoreReading { Cpu = 1, Usr = 99, Idle = 1, Hot = true, BusySeconds = 2, TopProcesses = [new ProcessShare { Pid = 42, Comm = "\u001b[2J\nmemcg: 0 -", Percent = 99 }] }],
        };
        var verdict = NodeHealth.CpuVerdict(cpu);
        verdict.ShouldContain("\u001b[2J\nmemcg"); // the verdict quotes the host; escaping is the output's job
        var text = ProbeCommand.ConsoleLines([verdict]);
        ShouldBeInert(text);
        text.Count(c => c == '\n').ShouldBe(1);
        text.ShouldContain("top on that core: \\u001b[2J\\nmemcg: 0 - 99 %");
    }

    [Fact]
    public void A_diff_folder_file_named_with_escapes_is_escaped_in_skipped_messages_and_the_report()
    {
        var dir = Temp("inj-diff");
        foreach (var f in Directory.GetFiles(ZoneA)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        var bad = Path.Combine(dir, "x\u001b[2J\u001b]0;owned\u0007\nmemcg: 0 - ok\u202e.json");
        File.WriteAllText(bad, "{ not json");
        var r = CliHarness.Run("diff", dir, ZoneB);
        r.ExitCode.ShouldBe(0, r.Error);
        ShouldBeInert(r.Error);
        r.Error.Trim().Split('\n').ShouldHaveSingleItem().ShouldContain("amiaudit: skipped ");
        r.Error.ShouldContain("x\\u001b[2J\\u001b]0;owned\\u0007\\nmemcg: 0 - ok\\u202e.json");
        ShouldBeInert(r.Out);
    }

    private static string HostileSnapshot(string dir, string name, params string[] units)
    {
        var path = Path.Combine(dir, name);
        var json = JsonSerializer.Serialize(units.Select(u => new Dictionary<string, string> { ["name"] = u, ["unitFileState"] = "enabled" }));
        File.WriteAllText(path, $"{{\"schema\":\"amiaudit.snapshot/v1\",\"target\":{{\"kind\":\"image-root\",\"hostname\":\"h{name.Length}\"}},\"systemd\":{{\"units\":{json}}}}}");
        return path;
    }

    public static TheoryData<string> ScanFormats() => new() { "console", "json", "markdown", "junit", "sarif" };

    [Theory]
    [MemberData(nameof(ScanFormats))]
    public void Scan_formats_encode_hostile_names(string format)
    {
        var dir = Temp("inj-scan");
        var snapshot = HostileSnapshot(dir, "s.json", Hostile, "plain.service");
        File.WriteAllText(Path.Combine(dir, "p.yaml"), Policy());
        var r = CliHarness.Run("scan", "--snapshot", snapshot, "--policy", Path.Combine(dir, "p.yaml"), "--fail-on", "none", "--format", format);
        r.ExitCode.ShouldBe(0, r.Error);
        r.Out.ShouldContain("plain.service");
        AssertEncoded(format, r.Out);
    }

    public static TheoryData<string> DiffFormats() => new() { "console", "json", "markdown", "html" };

    [Theory]
    [MemberData(nameof(DiffFormats))]
    public void Diff_formats_encode_hostile_names(string format)
    {
        var dir = Temp("inj-difffmt");
        var a = HostileSnapshot(dir, "a.json", Hostile, "plain.service");
        var b = HostileSnapshot(dir, "bb.json", "plain.service");
        var r = CliHarness.Run("diff", a, b, "--format", format);
        r.ExitCode.ShouldBe(0, r.Error);
        AssertEncoded(format, r.Out);
    }

    /// <summary>Each format's own encoder: the bytes carry no live control or bidi character, the document still
    /// parses, and (JSON) the value survives the round trip exactly.</summary>
    private static void AssertEncoded(string format, string text)
    {
        text.ShouldNotContain('\u001b');
        text.ShouldNotContain('\u009b');
        text.ShouldNotContain('\u007f');
        switch (format)
        {
            case "json" or "sarif":
                using (var doc = JsonDocument.Parse(text))
                    Strings(doc.RootElement).ShouldContain(s => s.Contains(Hostile, StringComparison.Ordinal), "the exact name, decoded");
                break;
            case "junit":
                XDocument.Parse(text).Descendants().Attributes().Select(a => a.Value).ShouldContain(v => v.Contains("evil", StringComparison.Ordinal));
                text.ShouldNotContain('\u202e');
                break;
            case "markdown" or "html" or "console":
                text.ShouldNotContain('\u202e');
                text.Split('\n').ShouldNotContain(l => l.TrimStart().StartsWith("memcg: 0 - ok", StringComparison.Ordinal), "a forged line");
                text.ShouldContain("evil");
                break;
        }
    }

    private static IEnumerable<string> Strings(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                yield return e.GetString()!;
                break;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    yield return p.Name;
                    foreach (var s in Strings(p.Value)) yield return s;
                }
                break;
            case JsonValueKind.Array:
                foreach (var i in e.EnumerateArray())
                foreach (var s in Strings(i)) yield return s;
                break;
        }
    }
}

using System.Text;
using AmiAudit.Collectors.Probes.Ena;
using AmiAudit.Collectors.Systemd;
using AmiAudit.Core.Diff;
using AmiAudit.Core.Model;
using AmiAudit.Core.Policies;
using AmiAudit.Fuzz.Engine;

namespace AmiAudit.Fuzz;

/// <summary>
/// What each fuzz finding now does instead of crashing, pinned down (the crash fixtures only prove it
/// no longer breaks the contract; these say which answer it gives).
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class FindingTests
{
    private static string Fixture(string target, string name) => Encoding.UTF8.GetString(Corpus.Crashes(target).Single(c => c.Name == name).Bytes);

    [Fact]
    public void A_duplicated_snapshot_key_is_a_format_error_at_its_line()
    {
        var e = Should.Throw<SnapshotFormatException>(() => SnapshotJson.Deserialize(Fixture("snapshot", "duplicate-key.json"), "dup.json"));
        e.Message.ShouldStartWith("dup.json:1:");
    }

    [Fact]
    public void A_number_past_double_range_in_a_snapshot_is_refused_at_its_line_and_column_by_both_readers()
    {
        var text = Fixture("snapshot", "number-out-of-double-range.json");
        SnapshotUtf8Reader.TryRead(Encoding.UTF8.GetBytes(text), out _).ShouldBeFalse();
        var e = Should.Throw<SnapshotFormatException>(() => SnapshotJson.Deserialize(text, "inf.json"));
        var line = text[..text.IndexOf("1e309", StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        e.Message.ShouldStartWith($"inf.json:{line}:");
        e.Message.ShouldContain("out of range");
    }

    [Fact]
    public void Both_snapshot_readers_give_an_absent_available_key_the_model_default()
    {
        var text = Fixture("snapshot", "absent-available-key.json");
        SnapshotUtf8Reader.TryRead(Encoding.UTF8.GetBytes(text), out var fast).ShouldBeTrue();
        fast!.Packages.Available.ShouldBe(SnapshotJson.Deserialize(text, "s.json").Packages.Available);
        fast.Packages.Available.ShouldBeTrue();
    }

    [Theory]
    [InlineData("&a {*a : 1, *a : 2}\n", 1, 5)]
    [InlineData("rules:\n  - ? [x]\n    : y\n", 2, 7)]
    public void Yaml_that_crashed_YamlDotNet_is_a_syntax_error_with_its_location(string yaml, int line, int column)
    {
        var result = PolicyLoader.Load([new PolicySource("p.yaml", yaml)]);
        var error = result.Errors.ShouldHaveSingleItem();
        (error.Code, error.Line, error.Column).ShouldBe((PolicyErrorCodes.YamlSyntax, line, column));
    }

    [Theory]
    [InlineData("scanner-invalid-operation.yaml")]
    [InlineData("number-out-of-double-range.yaml")]
    public void Policy_findings_load_to_errors_not_exceptions(string fixture)
    {
        var result = PolicyLoader.Load([new PolicySource("p.yaml", Fixture("policy", fixture))]);
        result.Errors.ShouldNotBeEmpty();
    }

    [Fact]
    public void A_unit_file_of_150000_continuation_lines_is_one_logical_line()
    {
        var text = Fixture("unit-file", "150k-continuation-lines.gz");
        var entry = UnitFileParser.Parse("/etc/systemd/system/x.service", text).Entries.ShouldHaveSingleItem();
        (entry.Section, entry.Key, entry.Line).ShouldBe(("Unit", "Description", 2));
        entry.Value.ShouldBe("paths");
    }

    [Fact]
    public void An_unpaired_surrogate_escape_in_cloud_init_json_is_read_as_a_replacement_character()
    {
        var root = Scratch.Root("finding-surrogate");
        Scratch.Write(root, "/run/cloud-init/result.json", Encoding.UTF8.GetBytes(Fixture("cloud-init-result", "unpaired-surrogate-escape.json")));
        var outcome = AmiAudit.Collectors.Bootstrap.CloudInitOutcomeReader.Read(new AmiAudit.Collectors.RootFs.RootFileSystem(root), "t");
        outcome.Status.ShouldBe("error");
        outcome.Errors.ShouldBe(["\uFFFD"]);
    }

    [Fact]
    public void Kernel_log_numbers_past_their_range_keep_the_line_and_mean_failure()
    {
        var log = KernelLogReader.FromStream(new MemoryStream(Corpus.Crashes("kernel-log").Single(c => c.Name == "numbers-past-long-and-int.txt").Bytes), "t");
        log.Lines.Count.ShouldBe(2);
        log.Lines[0].Message.ShouldBe("ena 0000:20:03.0 eth0: Trigger reset is on"); // prefix stripped, no time
        log.Lines[0].Seconds.ShouldBeNull();
        EnaMessageParser.Parse(log.Lines[1])!.Status.ShouldBe(int.MinValue); // not 0: a failed reset
    }
}

using System.Text;
using AmiAudit.Collectors.Probes.Ena;
using AmiAudit.Collectors.Systemd;
using AmiAudit.Core.Diff;
using AmiAudit.Core.Model;
using AmiAudit.Core.Policies;
using AmiAudit.Core.Urls;
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
    /// <summary>Crashes/kernel-log/out-of-range-stamp-fields.txt: "Mar 03 12:80:01" threw ArgumentOutOfRangeException from
    /// new DateTime (every stamp shape built its time from unvalidated numbers). A stamp with a field out of range is
    /// still a stamp: stripped, with its host and ident, but no time.</summary>
    [Theory]
    [InlineData("Mar 03 12:80:01 ip-10-1-2-3 kernel: ")]   // syslog (the fast path and the regex path)
    [InlineData("Mar 03 25:00:61 ip-10-1-2-3 kernel: ")]
    [InlineData("0000-13-32T12:00:01.123456+00:00 ip-10-1-2-3 kernel: ")] // ISO, year 0 (DaysInMonth threw)
    [InlineData("2026-03-03T12:00:01+99:99 ip-10-1-2-3 kernel: ")]        // an offset that is no zone
    [InlineData("Tue 0000-00-00 99:99:99 UTC ip-10-1-2-3 kernel: ")]      // journal short-full
    [InlineData("Tue Mar  3 12:99:01 0000 kern.crit kernel: ")]           // OpenWrt logread
    public void Kernel_log_stamps_with_fields_out_of_range_are_stripped_without_a_time(string prefix)
    {
        var line = KernelLogPrefix.Strip(prefix + "ena 0000:20:03.0 eth0: Trigger reset is on");
        line.Message.ShouldBe("ena 0000:20:03.0 eth0: Trigger reset is on");
        line.Seconds.ShouldBeNull();
        line.Ident.ShouldBe("kernel");
        EnaMessageParser.Parse(line)!.Interface.ShouldBe("eth0");
    }

    [Fact]
    public void Kernel_log_fixture_with_out_of_range_stamps_keeps_every_line()
    {
        var log = KernelLogReader.FromStream(new MemoryStream(Corpus.Crashes("kernel-log").Single(c => c.Name == "out-of-range-stamp-fields.txt").Bytes), "t");
        log.Lines.Count.ShouldBe(7);
        log.Lines.ShouldAllBe(l => l.Seconds == null && l.Message.EndsWith("Trigger reset is on"));
    }

    [Fact]
    public void Times_at_the_ends_of_the_calendar_are_no_time_not_an_exception()
    {
        // Year 1 at 00:00 local, nine hours east of UTC, is before DateTimeOffset.MinValue.
        var east = TimeZoneInfo.CreateCustomTimeZone("plus9", TimeSpan.FromHours(9), "plus9", "plus9");
        new LogClock(east, DateTimeOffset.UnixEpoch).Resolve(StampTime.MinUnixSeconds, LogTimeKind.Wall, local: true).ShouldBeNull();
        new LogClock(east, DateTimeOffset.UnixEpoch).Resolve(1e300, LogTimeKind.WallNoYear, local: true).ShouldBeNull();
        LogClock.Utc(DateTimeOffset.MinValue).Resolve(KernelLogPrefix.Strip("Dec 31 23:59:59 h kernel: x").Seconds, LogTimeKind.WallNoYear, true)
            .ShouldBe(new DateTimeOffset(1, 12, 31, 23, 59, 59, TimeSpan.Zero));
        AmiAudit.Collectors.Live.SystemdTimestamp.Parse("Mon 0001-01-01 00:00:00 +01:00").ShouldBeNull();
        AmiAudit.Collectors.Live.SystemdTimestamp.Parse("Fri 9999-12-31 23:59:59 -01:00").ShouldBeNull();
        StampTime.FromUnixSeconds(StampTime.MaxUnixSeconds + 1).ShouldBeNull();
        StampTime.Utc(2024, 2, 29, 23, 59, 60).ShouldBe(new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero)); // leap second
    }

    /// <summary>Crashes/urls/curl-16k-dash-word-per-line.gz: nine curl lines of one 16 KB word ("-0-0…'…") took > 30 s — the
    /// kubelet-destination scan's path regex backtracked quadratically in a word that fails at its end. The words are
    /// now read in one pass; a kubelet destination inside such a line is still found.</summary>
    [Fact]
    public void A_curl_line_with_a_16k_word_still_finds_a_kubelet_destination()
    {
        var longWord = string.Concat(Enumerable.Repeat("-0", 8000));
        var script = $"curl -fsSL -o /usr/bin/kubelet \"{longWord}'{longWord}https://example.com/k\" https://mirror.example.com/bin/k8s-node\n"
                     + $"curl -o \"/opt/{longWord}/kubelet\" https://mirror.example.com/bin/other\n"
                     + $"curl -o /opt/{longWord}/kubelet.sha256 https://mirror.example.com/bin/sum\n";
        var urls = UrlExtractor.Extract(script, "s");
        urls.Single(u => u.Host == "mirror.example.com" && u.Line == 1).Purpose.ShouldBe(UrlPurpose.Kubelet);
        urls.Single(u => u.Line == 2).Purpose.ShouldBe(UrlPurpose.Kubelet);
        urls.Single(u => u.Line == 3).Purpose.ShouldBe(UrlPurpose.Other);
        UrlExtractor.Extract(Fixture("urls", "curl-16k-dash-word-per-line.gz"), "s").ShouldBeEmpty(); // "0https" is inside a word
    }

    /// <summary>Crashes/policy/var-list-1113-same-regex.gz: the k8s baseline with one allow-list pattern repeated 1,113 times took
    /// 16–30 s to load: each copy built its own NonBacktracking automaton (~6 ms each). A pattern is built once; the rule judges
    /// as with one copy.</summary>
    [Fact]
    public void A_var_list_repeating_one_regex_1113_times_loads_and_judges_like_one_copy()
    {
        var result = PolicyLoader.Load([new PolicySource("p.yaml", Fixture("policy", "var-list-1113-same-regex.gz"))]);
        result.Errors.ShouldBeEmpty();
        var selfTest = PolicySelfTest.Run(result.Policies);
        selfTest.Where(r => r.RuleId == "KUBELET-001").ShouldNotBeEmpty();
        selfTest.ShouldAllBe(r => r.Ok);
    }
}

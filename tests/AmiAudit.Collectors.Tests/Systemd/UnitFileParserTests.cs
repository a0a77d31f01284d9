using AmiAudit.Collectors.Systemd;

namespace AmiAudit.Collectors.Tests.Systemd;

public sealed class UnitFileParserTests
{
    private static UnitFileText Parse(string text) => UnitFileParser.Parse("/x.service", text);

    [Fact]
    public void Trailing_backslash_joins_the_next_line_and_becomes_a_space()
    {
        var f = Parse("[Service]\nExecStart=/bin/foo \\\n  --bar\nRestart=always\n");
        f.Entries.Select(e => (e.Key, e.Value, e.Line)).ShouldBe([("ExecStart", "/bin/foo    --bar", 2), ("Restart", "always", 4)]);
    }

    [Fact]
    public void Comment_lines_inside_a_continuation_are_dropped()
    {
        var f = Parse("[Unit]\nAfter=a.service \\\n# not part of it\n; nor this\n  b.service\n");
        f.Entries.Single().Value.ShouldBe("a.service    b.service");
    }

    [Fact]
    public void An_escaped_backslash_at_the_end_does_not_continue()
    {
        var f = Parse("[Unit]\nDescription=ends with \\\\\nAfter=x.service\n");
        f.Entries.Select(e => e.Key).ShouldBe(["Description", "After"]);
        f.Entries[0].Value.ShouldBe("ends with \\\\");
    }

    [Fact]
    public void Comments_blank_lines_and_lines_without_equals_are_ignored()
    {
        var f = Parse("# head\nOrphan=before any section\n[Unit]\n  ; indented comment\n\nnot an assignment\n=no key\nDescription = spaced  \n");
        f.Error.ShouldBeNull();
        f.Entries.Single().ShouldBe(new UnitEntry("Unit", "Description", "spaced", 8));
    }

    [Fact]
    public void CRLF_and_a_byte_order_mark_are_tolerated()
    {
        var f = Parse("\uFEFF[Unit]\r\nDescription=x\r\n");
        f.Entries.Single().ShouldBe(new UnitEntry("Unit", "Description", "x", 2));
    }

    [Fact]
    public void A_malformed_section_header_is_an_error_with_its_line()
    {
        var f = Parse("[Unit]\nDescription=x\n[Service\nExecStart=/bin/true\n");
        f.Error.ShouldBe("Invalid section header '[Service'");
        f.ErrorLine.ShouldBe(3);
    }

    [Fact]
    public void A_file_ending_inside_a_continuation_keeps_the_collected_line()
    {
        var f = Parse("[Unit]\nWants=a.service \\");
        f.Entries.Single().Value.ShouldBe("a.service");
    }

    [Theory]
    [InlineData("a.service b.service", new[] { "a.service", "b.service" })]
    [InlineData("  \"quoted word\"  'single q' plain", new[] { "quoted word", "single q", "plain" })]
    [InlineData("a\\ b c", new[] { "a\\ b", "c" })]
    [InlineData("ok \"unterminated", new[] { "ok" })]
    [InlineData("", new string[0])]
    public void Words_are_split_with_quotes_like_extract_first_word(string value, string[] expected)
    {
        UnitFileParser.SplitWords(value).ShouldBe(expected);
    }

    [Theory]
    [InlineData("/usr/bin/foo --x", "/usr/bin/foo")]
    [InlineData("-/usr/bin/foo", "/usr/bin/foo")]
    [InlineData("@/usr/bin/foo foo-argv0", "/usr/bin/foo")]
    [InlineData("!!:-/usr/sbin/bar", "/usr/sbin/bar")]
    [InlineData(":+-@/usr/sbin/bar", "/usr/sbin/bar")]
    [InlineData("\"/opt/my app/bin\" arg", "/opt/my app/bin")]
    [InlineData("-\"/opt/q\"", "/opt/q")]
    [InlineData("\"-/opt/q\"", "/opt/q")] // prefixes are read after the quotes are removed
    [InlineData("/usr/bin/a\\x2db", "/usr/bin/a-b")] // C escapes in the path
    [InlineData("relative-tool arg", "relative-tool")]
    [InlineData("/bin/a ; /bin/b", "/bin/a")]
    // "+" after "!!" is not a prefix: the path would be "+-/usr/sbin/bar", which systemd rejects.
    [InlineData("!!:+-/usr/sbin/bar", null)]
    [InlineData("--/bin/x", null)] // "-" at most once
    [InlineData("-", null)]
    [InlineData("/usr/lib/", null)]
    public void The_executable_of_an_exec_line_drops_prefixes_and_quotes(string line, string? expected)
    {
        ExecLine.Executable(line).ShouldBe(expected);
    }

    [Theory]
    [InlineData("foo.service", "Plain")]
    [InlineData("foo@.service", "Template")]
    [InlineData("foo@bar@baz.service", "Instance")]
    [InlineData("foo.unknowntype", "Invalid")]
    [InlineData("@foo.service", "Invalid")]
    [InlineData("foo bar.service", "Invalid")]
    [InlineData(".service", "Invalid")]
    [InlineData("dev-disk-by\\x2duuid-1.swap", "Plain")]
    public void Unit_names_are_classified_like_systemd(string name, string kind)
    {
        UnitName.Classify(name).ToString().ShouldBe(kind);
    }
}

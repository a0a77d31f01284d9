using AmiAudit.Reporting.Escaping;

namespace AmiAudit.Reporting.Tests.Scan;

public class ReportTextTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\u001b[31mb", "a\\u001b[31mb")]
    [InlineData("line1\nline2\tx\r", "line1\\nline2\\tx\\r")]
    [InlineData("csi\u009bx", "csi\\u009bx")]
    [InlineData("abc\u202edcba", "abc\\u202edcba")]
    [InlineData("emoji 😀 ok", "emoji 😀 ok")]
    public void Printable_makes_controls_visible(string input, string expected) =>
        ReportText.Printable(input).ShouldBe(expected);

    [Fact]
    public void Printable_escapes_a_lone_surrogate()
    {
        // Built at run time: a lone surrogate does not survive an attribute argument's UTF-8 metadata.
        ReportText.Printable("lone " + (char)0xD800 + " surrogate").ShouldBe("lone \\ud800 surrogate");
    }

    [Fact]
    public void XmlSafe_output_always_parses()
    {
        var hostile = "x\u0000y\u0001z\u000b\ufffe\ud800<&>\"'\n\tend";
        var safe = ReportText.XmlSafe(hostile);
        var doc = System.Xml.Linq.XDocument.Parse($"<a b=\"{System.Security.SecurityElement.Escape(safe)}\">{System.Security.SecurityElement.Escape(safe)}</a>");
        doc.Root!.Value.ShouldContain("\\u0000y\\u0001z\\u000b\\ufffe\\ud800<&>");
    }

    [Fact]
    public void Finish_normalises_newlines()
    {
        ReportText.Finish("a  \r\nb\rc\n\n\n").ShouldBe("a\nb\nc\n");
    }
}

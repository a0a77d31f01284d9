using AmiAudit.Collectors.Live;

namespace AmiAudit.Collectors.Tests.Live;

public class SystemdTimestampTests
{
    [Theory]
    [InlineData("Sun 2026-09-27 07:00:59 UTC", "2026-09-27T07:00:59.0000000+00:00")]
    [InlineData("2026-09-27 07:00:59 GMT", "2026-09-27T07:00:59.0000000+00:00")]
    [InlineData("Sun 2026-09-27 07:00:59.123456 UTC", "2026-09-27T07:00:59.1234560+00:00")]
    [InlineData("Sun 2026-09-27 09:00:59 +0200", "2026-09-27T09:00:59.0000000+02:00")]
    [InlineData("Sun 2026-09-27 02:00:59 -05:00", "2026-09-27T02:00:59.0000000-05:00")]
    public void Parses_systemd_formats(string text, string expected) =>
        SystemdTimestamp.Parse(text)!.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture).ShouldBe(expected);

    [Theory]
    [InlineData("")]
    [InlineData("n/a")]
    [InlineData("Sun 2026-09-27 07:00:59 CST")] // ambiguous abbreviation: refuse rather than guess
    [InlineData("Sun 2026-13-40 07:00:59 UTC")]
    [InlineData("yesterday")]
    public void Unknown_or_unset_is_null(string text) => SystemdTimestamp.Parse(text).ShouldBeNull();

    [Fact]
    public void Same_instant_in_two_zones_compares_equal() =>
        SystemdTimestamp.Parse("Sun 2026-09-27 09:00:59 +0200").ShouldBe(SystemdTimestamp.Parse("Sun 2026-09-27 07:00:59 UTC"));
}

namespace AmiAudit.Reporting;

/// <summary>
/// What a reporter needs besides the data: everything that would otherwise come from the clock,
/// the environment or the terminal is passed in, so rendering stays pure and byte-for-byte repeatable.
/// </summary>
public sealed record ReportContext
{
    /// <summary>amiaudit version written into reports (tool.driver.version, JSON tool.version…).</summary>
    public string ToolVersion { get; init; } = "0.0.0";

    /// <summary>The only timestamp a report carries.</summary>
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Directory searched first for template files (e.g. scan.markdown.hbs); embedded copies are the fallback.</summary>
    public string? TemplateDirectory { get; init; }

    /// <summary>ANSI colours in console output. Off for files and pipes.</summary>
    public bool Color { get; init; }

    /// <summary>Console width in columns; console output never exceeds it.</summary>
    public int Width { get; init; } = 80;
}

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

    /// <summary>Directory searched first for template files (e.g. scan.markdown.scriban); embedded copies are the fallback.</summary>
    public string? TemplateDirectory { get; init; }

    /// <summary>A user's template (<c>--template FILE</c>), already read by the CLI: replaces the built-in
    /// template of a template-based format. Its path is what errors name.</summary>
    public UserTemplate? Template { get; init; }

    /// <summary>ANSI colours in console output. Off for files and pipes.</summary>
    public bool Color { get; init; }

    /// <summary>Console width in columns; console output never exceeds it.</summary>
    public int Width { get; init; } = 80;
}

/// <summary>A template file the user named, and its text.</summary>
public sealed record UserTemplate(string Path, string Text);

namespace AmiAudit.Reporting;

/// <summary>Fixed facts about the tool that reports print.</summary>
public static class ReportInfo
{
    public const string ToolName = "amiaudit";
}

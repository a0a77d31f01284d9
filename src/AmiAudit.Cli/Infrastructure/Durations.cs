using System.Globalization;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>"10s", "500ms", "5m", "24h", "7d" — the duration syntax every verb accepts.</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        var unitStart = 0;
        while (unitStart < text.Length && (char.IsDigit(text[unitStart]) || text[unitStart] == '.')) unitStart++;
        if (unitStart == 0 || !double.TryParse(text[..unitStart], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0) return false;
        double? seconds = text[unitStart..] switch
        {
            "ms" => n / 1000,
            "" or "s" => n,
            "m" => n * 60,
            "h" => n * 3600,
            "d" => n * 86400,
            _ => null,
        };
        if (seconds is null) return false;
        value = TimeSpan.FromSeconds(seconds.Value);
        return true;
    }

    public static TimeSpan Parse(string? text, string optionName) =>
        TryParse(text, out var v) ? v : throw new UsageException($"{optionName}: '{text}' is not a duration (examples: 500ms, 10s, 5m, 24h, 7d)");
}

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>
/// Re-joins an ENA message that a report or a terminal wrapped onto two lines (the Pinterest post shows
/// "…Time" / "since last napi 6596000 usec…" and "…Driver info: Elastic Net" / "work Adapter (ENA) v2.11.0g").
/// A line is a continuation when it carries no stamp and no header of its own, is not itself an ENA message,
/// and the line before is one; it is joined with or without a space, whichever parse reads more fields
/// (a hard wrap may fall inside a word or between two), and only when that reads more than the first line alone.
/// </summary>
public static class WrappedLines
{
    public static List<KernelLogLine> Join(List<KernelLogLine> lines)
    {
        if (lines.Count < 2) return lines;
        var result = new List<KernelLogLine>(lines.Count);
        EnaEvent? previousEvent = null;
        foreach (var line in lines)
        {
            if (result.Count > 0 && previousEvent is not null && line.Seconds is null && line.Ident is null && line.Message.Length > 0
                && !line.Message.StartsWith("ena ", StringComparison.Ordinal) && EnaMessageParser.Parse(line) is null)
            {
                var prev = result[^1];
                var spaced = prev with { Message = prev.Message + " " + line.Message };
                var tight = prev with { Message = prev.Message + line.Message };
                var a = EnaMessageParser.Parse(spaced);
                var b = EnaMessageParser.Parse(tight);
                var best = Score(b) > Score(a) ? (b, tight) : (a, spaced);
                if (best.Item1 is not null && Score(best.Item1) > Score(previousEvent))
                {
                    result[^1] = best.Item2;
                    previousEvent = best.Item1;
                    continue;
                }
            }
            result.Add(line);
            previousEvent = EnaMessageParser.Parse(line);
        }
        return result;
    }

    /// <summary>The pair as one message when <paramref name="next"/> continues <paramref name="line"/> (the streaming form of <see cref="Join"/>).</summary>
    public static KernelLogLine? TryJoin(KernelLogLine line, KernelLogLine next)
    {
        var joined = Join([line, next]);
        return joined.Count == 1 ? joined[0] : null;
    }

    private static int Score(EnaEvent? e) => e is null ? -1
        : (e.DriverVersion is null ? 0 : 1) + (e.NapiDelayMs is null ? 0 : 1) + (e.NapiScheduled is null ? 0 : 1) + (e.Queue is null ? 0 : 1)
          + (e.ThresholdMs is null ? 0 : 1) + (e.Status is null ? 0 : 1) + (e.CounterValue is null ? 0 : 1);
}

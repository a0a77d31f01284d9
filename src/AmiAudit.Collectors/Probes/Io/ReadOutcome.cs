namespace AmiAudit.Collectors.Probes.Io;

/// <summary>Text of a host file, or why it could not be read (said in words a human can act on).</summary>
public sealed record ReadOutcome(string? Text, string? Error)
{
    public bool Ok => Text is not null;

    public static ReadOutcome Fail(string error) => new(null, error);
}

namespace AmiAudit.Core.Policies.Operators;

/// <summary>
/// What an operator (and so a condition) says about one value: holds, does not hold, or cannot tell.
/// Why three values: "cannot tell" used to collapse into false (a regex timeout counted as "no match",
/// a text compared with a number as "not greater"), and a <c>not</c> or a <c>notMatches</c> then turned
/// it into a pass. <see cref="Unknown"/> survives every combinator and ends as an <c>error</c> finding.
/// There is deliberately no conversion to bool: every caller must decide what "unknown" means.
/// </summary>
public readonly record struct Judgement
{
    private Judgement(bool? value, string? reason)
    {
        Value = value;
        Reason = reason;
    }

    /// <summary>True / false, or null when the operator cannot tell.</summary>
    public bool? Value { get; }

    /// <summary>Why the operator cannot tell (null unless <see cref="IsUnknown"/>).</summary>
    public string? Reason { get; }

    public bool IsTrue => Value == true;
    public bool IsFalse => Value == false;
    public bool IsUnknown => Value is null;

    public static readonly Judgement True = new(true, null);
    public static readonly Judgement False = new(false, null);

    public static Judgement Unknown(string reason) => new(null, reason);

    public static implicit operator Judgement(bool value) => value ? True : False;

    /// <summary>Logical not: unknown stays unknown.</summary>
    public Judgement Negate() => Value is { } v ? !v : this;

    public override string ToString() => Value switch { true => "true", false => "false", null => $"unknown ({Reason})" };
}

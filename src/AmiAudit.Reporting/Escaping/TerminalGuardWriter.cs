using System.Text;

namespace AmiAudit.Reporting.Escaping;

/// <summary>
/// The last line of defence on the CLI's stdout and stderr. Host text is escaped where it enters a line
/// (<see cref="ReportText.Printable"/>): that is the only place that can tell the tool's own newlines from a
/// newline inside a process name. This writer cannot tell them apart, so it does what is safe for both: every
/// control character except newline and tab (and carriage return where the tool draws progress on a terminal)
/// becomes a visible escape (<c>\u001b</c>), as do DEL, C1 controls and bidi overrides. ESC passes only as a
/// complete SGR colour sequence (<c>ESC [ digits ; … m</c>) and only when colour is on — colour is the one
/// sequence the tool emits itself, and it cannot move the cursor, clear the screen or set a title.
/// So a call site that forgot to escape can at worst colour text, never repaint the screen.
/// </summary>
public sealed class TerminalGuardWriter(TextWriter inner, bool allowColor, bool allowCarriageReturn = false) : TextWriter
{
    private const char Esc = '\u001b';
    private const int MaxSgr = 32;
    private readonly StringBuilder _pending = new();

    public TextWriter Inner => inner;

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    public override string NewLine
    {
        get => inner.NewLine;
#pragma warning disable CS8765 // TextWriter.NewLine accepts null (meaning the default)
        set => inner.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value) => Feed(value);

    public override void Write(string? value)
    {
        if (value is null) return;
        foreach (var c in value) Feed(c);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        for (var i = 0; i < count; i++) Feed(buffer[index + i]);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        foreach (var c in buffer) Feed(c);
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write(CoreNewLine);
    }

    public override void Flush()
    {
        AbandonPending();
        inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }

    private void Feed(char c)
    {
        if (_pending.Length > 0)
        {
            if (_pending.Length == 1 ? c == '[' : (char.IsAsciiDigit(c) || c == ';') && _pending.Length < MaxSgr)
            {
                _pending.Append(c);
                return;
            }
            if (c == 'm' && _pending.Length >= 2)
            {
                inner.Write(_pending.Append('m').ToString());
                _pending.Clear();
                return;
            }
            AbandonPending();
        }
        if (c is '\n' or '\t' || (c == '\r' && allowCarriageReturn))
        {
            inner.Write(c);
            return;
        }
        if (c == Esc && allowColor)
        {
            _pending.Append(c);
            return;
        }
        if (!char.IsSurrogate(c) && ReportText.IsUnsafe(c))
        {
            inner.Write(ReportText.EscapeChar(c));
            return;
        }
        inner.Write(c);
    }

    /// <summary>An ESC that did not turn into a colour sequence: show it, then the characters after it as text.</summary>
    private void AbandonPending()
    {
        if (_pending.Length == 0) return;
        var rest = _pending.ToString(1, _pending.Length - 1);
        _pending.Clear();
        inner.Write(ReportText.EscapeChar(Esc));
        inner.Write(rest); // '[' digits ';' — printable by construction
    }
}

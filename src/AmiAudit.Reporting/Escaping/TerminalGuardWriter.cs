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
    private readonly StringBuilder _out = new();

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

    // Each call is checked into one buffer and handed to the inner writer in one piece: Console.Out flushes on
    // every Write, and a write(2) per character would make a 40 KB report 40,000 system calls. The lock keeps
    // an escape sequence split across calls from two threads (policy loading reports while collection runs)
    // from mixing.
    public override void Write(char value)
    {
        lock (_pending)
        {
            Feed(value);
            Emit();
        }
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        Write(value.AsSpan());
    }

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_pending)
        {
            foreach (var c in buffer) Feed(c);
            Emit();
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_pending)
        {
            foreach (var c in value.AsSpan()) Feed(c);
            foreach (var c in CoreNewLine) Feed(c);
            Emit();
        }
    }

    public override void Flush()
    {
        lock (_pending)
        {
            AbandonPending();
            Emit();
            inner.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }

    private void Emit()
    {
        if (_out.Length == 0) return;
        inner.Write(_out.ToString());
        _out.Clear();
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
                _out.Append(_pending.Append('m').ToString());
                _pending.Clear();
                return;
            }
            AbandonPending();
        }
        if (c is '\n' or '\t' || (c == '\r' && allowCarriageReturn))
        {
            _out.Append(c);
            return;
        }
        if (c == Esc && allowColor)
        {
            _pending.Append(c);
            return;
        }
        if (!char.IsSurrogate(c) && ReportText.IsUnsafe(c))
        {
            _out.Append(ReportText.EscapeChar(c));
            return;
        }
        _out.Append(c);
    }

    /// <summary>An ESC that did not turn into a colour sequence: show it, then the characters after it as text.</summary>
    private void AbandonPending()
    {
        if (_pending.Length == 0) return;
        var rest = _pending.ToString(1, _pending.Length - 1);
        _pending.Clear();
        _out.Append(ReportText.EscapeChar(Esc));
        _out.Append(rest); // '[' digits ';' — printable by construction
    }
}

using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AmiAudit.Core.Policies.Loading;

/// <summary>
/// The YAML event stream with a nesting limit: the mapping/sequence start that goes deeper than
/// <see cref="YamlDocumentReader.MaxDepth"/> throws a <see cref="YamlException"/> at its mark, before
/// YamlStream's recursive loader (or ours) descends into it. 200,000 "[" would otherwise overflow the
/// stack — a process crash, not an exception. Wrapping the parser YamlStream reads from keeps it one
/// parse, with the error reported like any syntax error.
/// <para>It also checks the shape of the stream the loader relies on (a mapping alternates key and
/// value, every end closes what is open): YamlDotNet's parser emits a broken sequence for some malformed
/// text, and YamlStream's loader then threw ArgumentException ("unsupported event"), which no caller
/// catches (exit 70; found by fuzzing, tests/AmiAudit.Fuzz.Tests/Crashes/config-yaml). Every irregularity
/// is a YamlException at the event's mark.</para>
/// </summary>
public sealed class DepthLimitedParser(IParser inner) : IParser
{
    private enum Frame : byte { Document, Sequence, MappingKey, MappingValue }

    private readonly Stack<Frame> _open = new();
    private int _depth;

    public DepthLimitedParser(string text) : this(new Parser(new StringReader(text))) { }

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!NextFromInner()) return false;
        var e = inner.Current!;
        switch (e)
        {
            case SequenceStart or MappingStart when ++_depth > YamlDocumentReader.MaxDepth:
                throw new DepthExceededException(e.Start, e.End);
            case SequenceStart:
                Node(e);
                _open.Push(Frame.Sequence);
                break;
            case MappingStart:
                Node(e);
                _open.Push(Frame.MappingKey);
                break;
            case SequenceEnd:
                Close(e, Frame.Sequence);
                _depth--;
                break;
            case MappingEnd:
                Close(e, Frame.MappingKey); // not after a key: a value must come first
                _depth--;
                break;
            case Scalar or AnchorAlias:
                Node(e);
                break;
            case DocumentStart:
                if (_open.Count != 0) throw Malformed(e);
                _open.Push(Frame.Document);
                break;
            case DocumentEnd:
                Close(e, Frame.Document);
                break;
        }
        return true;
    }

    /// <summary>A complete node starts here: allowed in a document, a sequence, or either side of a mapping.</summary>
    private void Node(ParsingEvent e)
    {
        if (!_open.TryPop(out var frame)) throw Malformed(e);
        _open.Push(frame switch
        {
            Frame.MappingKey => Frame.MappingValue,
            Frame.MappingValue => Frame.MappingKey,
            _ => frame,
        });
    }

    private void Close(ParsingEvent e, Frame expected)
    {
        if (!_open.TryPop(out var frame) || frame != expected) throw Malformed(e);
    }

    private static YamlException Malformed(ParsingEvent e) =>
        new(e.Start, e.End, $"malformed YAML: unexpected {e.GetType().Name} here");

    /// <summary>
    /// YamlDotNet 16.3's scanner throws InvalidOperationException on some malformed input (a plain
    /// scalar it cannot finish; found by fuzzing, tests/AmiAudit.Fuzz.Tests/Crashes/{config-yaml,policy,waiver}):
    /// every caller's syntax-error path catches YamlException only, so it escaped as an internal error
    /// (exit 70). Any exception from the scanner is a syntax error at the last position it reached.
    /// </summary>
    private bool NextFromInner()
    {
        try
        {
            return inner.MoveNext();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            var at = inner.Current?.End ?? Mark.Empty;
            throw new YamlException(at, at, "malformed YAML after this point (the YAML parser could not read on)", e);
        }
    }
}

/// <summary>Nesting past <see cref="YamlDocumentReader.MaxDepth"/>; a YamlException so every caller's
/// syntax-error path reports it with its line and column.</summary>
public sealed class DepthExceededException(Mark start, Mark end)
    : YamlException(start, end, $"nested deeper than {YamlDocumentReader.MaxDepth} levels; a policy needs far fewer");

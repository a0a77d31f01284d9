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
/// <para>An alias must name an anchor whose node is complete: "&amp;a {*a: 1, *a: 2}" made YamlStream keep
/// two placeholder alias keys, and comparing them (YamlAliasNode.Equals calls itself) overflowed the
/// stack — a 20-byte policy, waiver or amiaudit.yaml crashed the process (fuzzing, Crashes/config-yaml).
/// Self-referencing nodes are not YAML a policy needs; the alias is a syntax error instead.</para>
/// <para>A mapping key must be a scalar (or an alias of one): a collection key is hashed recursively by
/// YamlStream, and aliases nest it arbitrarily deep within 64 levels of text — another stack overflow.</para>
/// </summary>
public sealed class DepthLimitedParser(IParser inner) : IParser
{
    private enum Frame : byte { Document, Sequence, MappingKey, MappingValue }

    private readonly Stack<Frame> _open = new();
    private readonly Stack<AnchorName> _anchors = new(); // of the collections open now
    private readonly HashSet<string> _complete = new(StringComparer.Ordinal);
    private readonly HashSet<string> _scalars = new(StringComparer.Ordinal); // anchors of scalars
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
            case SequenceStart start:
                Node(e);
                _open.Push(Frame.Sequence);
                Opened(start.Anchor);
                break;
            case MappingStart start:
                Node(e);
                _open.Push(Frame.MappingKey);
                Opened(start.Anchor);
                break;
            case SequenceEnd:
                Close(e, Frame.Sequence);
                _depth--;
                Completed(_anchors.Pop());
                break;
            case MappingEnd:
                Close(e, Frame.MappingKey); // not after a key: a value must come first
                _depth--;
                Completed(_anchors.Pop());
                break;
            case Scalar scalar:
                Node(e);
                Completed(scalar.Anchor);
                if (!scalar.Anchor.IsEmpty) _scalars.Add(scalar.Anchor.Value);
                break;
            case AnchorAlias alias:
                if (!_complete.Contains(alias.Value.Value))
                    throw new YamlException(e.Start, e.End, $"alias *{alias.Value.Value} does not refer to a complete node defined before it");
                Node(e);
                break;
            case DocumentStart:
                if (_open.Count != 0) throw Malformed(e);
                _open.Push(Frame.Document);
                _complete.Clear(); // anchors belong to one document
                _scalars.Clear();
                break;
            case DocumentEnd:
                Close(e, Frame.Document);
                break;
        }
        return true;
    }

    /// <summary>A collection with this anchor is open: until it ends, the name refers to an incomplete node.</summary>
    private void Opened(AnchorName anchor)
    {
        _anchors.Push(anchor);
        if (anchor.IsEmpty) return;
        _complete.Remove(anchor.Value);
        _scalars.Remove(anchor.Value);
    }

    private void Completed(AnchorName anchor)
    {
        if (!anchor.IsEmpty) _complete.Add(anchor.Value);
    }

    /// <summary>A complete node starts here: allowed in a document, a sequence, or either side of a mapping.</summary>
    private void Node(ParsingEvent e)
    {
        if (!_open.TryPop(out var frame)) throw Malformed(e);
        if (frame == Frame.MappingKey && (e is SequenceStart or MappingStart || (e is AnchorAlias a && !_scalars.Contains(a.Value.Value))))
            throw new YamlException(e.Start, e.End, "a mapping key must be a plain value, not a list or a mapping");
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

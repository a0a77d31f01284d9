using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AmiAudit.Core.Policies.Loading;

/// <summary>
/// The YAML event stream with a nesting limit: the mapping/sequence start that goes deeper than
/// <see cref="YamlDocumentReader.MaxDepth"/> throws a <see cref="YamlException"/> at its mark, before
/// YamlStream's recursive loader (or ours) descends into it. 200,000 "[" would otherwise overflow the
/// stack — a process crash, not an exception. Wrapping the parser YamlStream reads from keeps it one
/// parse, with the error reported like any syntax error.
/// </summary>
public sealed class DepthLimitedParser(IParser inner) : IParser
{
    private int _depth;

    public DepthLimitedParser(string text) : this(new Parser(new StringReader(text))) { }

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        switch (inner.Current)
        {
            case SequenceStart or MappingStart when ++_depth > YamlDocumentReader.MaxDepth:
                throw new DepthExceededException(inner.Current.Start, inner.Current.End);
            case SequenceEnd or MappingEnd:
                _depth--;
                break;
        }
        return true;
    }
}

/// <summary>Nesting past <see cref="YamlDocumentReader.MaxDepth"/>; a YamlException so every caller's
/// syntax-error path reports it with its line and column.</summary>
public sealed class DepthExceededException(Mark start, Mark end)
    : YamlException(start, end, $"nested deeper than {YamlDocumentReader.MaxDepth} levels; a policy needs far fewer");

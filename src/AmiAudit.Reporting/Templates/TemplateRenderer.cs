using System.Globalization;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace AmiAudit.Reporting.Templates;

/// <summary>
/// The one place that drives Scriban. Reporters hand it template text, a <see cref="TemplateObject"/>
/// model, the escaping for <c>{{ x }}</c> and their helpers, and get the rendered text back; they
/// never see the engine. The model is copied into nested <see cref="ScriptObject"/>s and
/// <see cref="ScriptArray"/>s of strings, bools and ints — Scriban's reflection-free path, the only
/// one that works under NativeAOT (a plain .NET object inside a ScriptObject loses its members there,
/// and <c>for kv in dict</c> over a .NET dictionary renders nothing, silently).
/// <para>Semantics a template can rely on (docs/output-formats.md):</para>
/// <list type="bullet">
/// <item><c>{{ x }}</c> writes x escaped for the output format; <c>{{ raw x }}</c> writes it as is, as do
/// helpers that make their result safe themselves (<see cref="TemplateHelper.Raw"/>);</item>
/// <item>null, false, 0, "" and an empty list are false in <c>if</c>, as they were with the Handlebars
/// templates these replaced; a missing member is null, not an error;</item>
/// <item>a list written as a value prints its items joined by ",".</item>
/// </list>
/// Parse and runtime errors are a <see cref="TemplateException"/> naming file:line:col.
/// </summary>
internal static class TemplateRenderer
{
    /// <param name="templatePath">Named in error messages: the user's file, or the built-in template's name.</param>
    /// <param name="encode">What <c>{{ x }}</c> does to a value; <c>{{ raw x }}</c> writes it as is.</param>
    public static string Render(string templateText, TemplateObject model, Func<string?, string> encode,
        IReadOnlyList<TemplateHelper>? helpers = null, string templatePath = "template")
    {
        var template = Template.Parse(templateText, templatePath);
        if (template.HasErrors)
            throw new TemplateException([.. template.Messages.Where(m => m.Type == ParserMessageType.Error).Select(m => Located(m.Span, m.Message))]);

        var globals = ToScript(model);
        globals.SetValue("raw", new Function(args => new RawText(Text(args, 0))), readOnly: true);
        foreach (var helper in helpers ?? [])
        {
            var body = helper.Body;
            globals.SetValue(helper.Name, helper.Raw
                ? new Function(args => new RawText(body(Values(args))))
                : new Function(args => body(Values(args))), readOnly: true);
        }
        var context = new EncodingContext(encode);
        context.PushGlobal(globals);
        try
        {
            return template.Render(context);
        }
        catch (ScriptRuntimeException e)
        {
            throw new TemplateException([Located(e.Span, e.OriginalMessage)]);
        }
    }

    /// <summary>The model as Scriban's own containers, member order kept.</summary>
    internal static ScriptObject ToScript(TemplateObject model)
    {
        var o = new ScriptObject();
        foreach (var (name, value) in model.Members) o.SetValue(name, ToScript(value), readOnly: false);
        return o;
    }

    private static object? ToScript(object? value) => value switch
    {
        TemplateObject o => ToScript(o),
        TemplateList list => ToArray(list),
        _ => value, // string, bool, int or null: TemplateValue admits nothing else
    };

    private static ScriptArray ToArray(TemplateList list)
    {
        var a = new ScriptArray(list.Count);
        foreach (var item in list) a.Add(ToScript(item));
        return a;
    }

    /// <summary>"file:line:col: message", 1-based (Scriban's spans are 0-based).</summary>
    private static string Located(SourceSpan span, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"{span.FileName}:{span.Start.Line + 1}:{span.Start.Column + 1}: {message}");

    private static object?[] Values(ScriptArray args)
    {
        var values = new object?[args.Count];
        for (var i = 0; i < values.Length; i++) values[i] = args[i];
        return values;
    }

    private static string Text(ScriptArray args, int i) =>
        args.Count > i ? Convert.ToString(args[i], CultureInfo.InvariantCulture) ?? "" : "";

    /// <summary>A value the template writes as is: the result of <c>raw</c> and of raw helpers.</summary>
    private sealed record RawText(string Text)
    {
        public override string ToString() => Text;
    }

    /// <summary>A helper as Scriban calls it: arguments in, value out. Implemented directly, because
    /// Scriban's delegate import reads the method's signature by reflection.</summary>
    private sealed class Function(Func<ScriptArray, object?> body) : IScriptCustomFunction
    {
        public int RequiredParameterCount => 0;
        public int ParameterCount => 0;
        public ScriptVarParamKind VarParamKind => ScriptVarParamKind.Direct;
        public Type ReturnType => typeof(object);

        public ScriptParameterInfo GetParameterInfo(int index) => new(typeof(object), "arg" + index.ToString(CultureInfo.InvariantCulture));

        public object? Invoke(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement) => body(arguments);

        public ValueTask<object?> InvokeAsync(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement) =>
            new(body(arguments));
    }

    /// <summary>
    /// Escapes what <c>{{ x }}</c> writes (template text itself is written as is), and gives <c>if</c>
    /// Handlebars' notion of truth. Invariant culture; no loop limit (a report has as many rows as
    /// findings); a missing member or a member of null is null, not an error.
    /// </summary>
    private sealed class EncodingContext : TemplateContext
    {
        private readonly Func<string?, string> _encode;

        public EncodingContext(Func<string?, string> encode)
        {
            _encode = encode;
            LoopLimit = 0;
            EnableRelaxedMemberAccess = true;
            EnableRelaxedTargetAccess = true;
            EnableNullIndexer = true;
            StrictVariables = false;
            PushCulture(CultureInfo.InvariantCulture);
        }

        public override TemplateContext Write(SourceSpan span, object? textAsObject)
        {
            switch (textAsObject)
            {
                case null:
                    break;
                case RawText raw:
                    Write(raw.Text);
                    break;
                case ScriptArray list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (i > 0) Write(",");
                        Write(span, list[i]);
                    }
                    break;
                default:
                    Write(_encode(ObjectToString(textAsObject)));
                    break;
            }
            return this;
        }

        public override bool ToBool(SourceSpan span, object? value) => value switch
        {
            null => false,
            bool b => b,
            string s => s.Length > 0,
            int i => i != 0,
            long l => l != 0,
            double d => d != 0,
            ScriptArray a => a.Count > 0,
            _ => base.ToBool(span, value),
        };
    }
}

/// <summary>A template that does not parse or fails while rendering; every problem as "file:line:col: message".</summary>
public sealed class TemplateException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

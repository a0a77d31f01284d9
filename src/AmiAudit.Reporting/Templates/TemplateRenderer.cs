using System.Text;
using HandlebarsDotNet;

namespace AmiAudit.Reporting.Templates;

/// <summary>
/// The one place that drives Handlebars.Net, with <see cref="TemplateModelDescriptors"/> and
/// <see cref="TemplateModelFormatters"/>, which tell it how to read and print the model. Reporters
/// hand it template text, a <see cref="TemplateObject"/> model, the escaping for <c>{{x}}</c> and
/// their helpers, and get the rendered text back; they never see the engine, so the reflection-free
/// model is the only thing a template can be given (the condition for rendering under NativeAOT).
/// </summary>
internal static class TemplateRenderer
{
    /// <param name="encode">What <c>{{x}}</c> does to a value; <c>{{{x}}}</c> writes it as is.</param>
    public static string Render(string templateText, TemplateObject model, Func<string?, string> encode, IReadOnlyList<TemplateHelper>? helpers = null) =>
        Create(new HandlebarsConfiguration(), encode, helpers).Compile(templateText)(model);

    /// <summary>The engine <see cref="Render"/> uses, built on <paramref name="configuration"/>: a test
    /// passes one holding a provider that fails on any type, which Handlebars then reaches only for a
    /// type the model providers here decline, i.e. one it would read by reflection.</summary>
    internal static IHandlebars Create(HandlebarsConfiguration configuration, Func<string?, string> encode, IReadOnlyList<TemplateHelper>? helpers)
    {
        configuration.TextEncoder = new DelegateEncoder(encode);
        // A path the model lacks renders as nothing, as in Handlebars.js, rather than failing the report.
        configuration.ThrowOnUnresolvedBindingExpression = false;
        // Added last, so Handlebars asks these before its reflection-based built-ins.
        configuration.ObjectDescriptorProviders.Add(new TemplateModelDescriptors());
        configuration.FormatterProviders.Add(new TemplateModelFormatters());
        var handlebars = Handlebars.Create(configuration);
        foreach (var helper in helpers ?? [])
            Register(handlebars, helper);
        return handlebars;
    }

    private static void Register(IHandlebars handlebars, TemplateHelper helper)
    {
        var body = helper.Body;
        if (helper.Raw)
            handlebars.RegisterHelper(helper.Name, (writer, _, args) => writer.WriteSafeString(body(Values(args))));
        else
            handlebars.RegisterHelper(helper.Name, (_, args) => body(Values(args)));
    }

    private static object?[] Values(Arguments args)
    {
        var values = new object?[args.Length];
        for (var i = 0; i < values.Length; i++) values[i] = args[i];
        return values;
    }

    /// <summary>Handlebars' encoder interface over one string function; every overload ends in it.</summary>
    private sealed class DelegateEncoder(Func<string?, string> encode) : ITextEncoder
    {
        public void Encode(StringBuilder? text, TextWriter target) => target.Write(encode(text?.ToString()));

        public void Encode(string? text, TextWriter target) => target.Write(encode(text));

        public void Encode<T>(T? text, TextWriter target) where T : IEnumerator<char>
        {
            if (text is null) return;
            var sb = new StringBuilder();
            while (text.MoveNext()) sb.Append(text.Current);
            target.Write(encode(sb.ToString()));
        }
    }
}

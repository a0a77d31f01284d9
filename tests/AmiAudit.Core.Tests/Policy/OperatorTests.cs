using System.Text.Json.Nodes;
using AmiAudit.Core.Policies;
using AmiAudit.Core.Policies.Operators;

namespace AmiAudit.Core.Tests.Policy;

public sealed class OperatorTests
{
    private static IRuleOperator Bound(string name, string argumentJson)
    {
        var op = OperatorRegistry.Create(name).ShouldNotBeNull(name);
        op.Validate(JsonNode.Parse(argumentJson)).ShouldBeEmpty();
        return op;
    }

    /// <summary>True / false, or null when the operator cannot tell.</summary>
    private static bool? Eval(string name, string argumentJson, string? actualJson) =>
        Bound(name, argumentJson).Evaluate(actualJson is null ? null : JsonNode.Parse(actualJson)).Value;

    [Theory]
    [InlineData("equals", "\"enabled\"", "\"enabled\"", true)]
    [InlineData("equals", "\"enabled\"", "\"Enabled\"", false)]
    [InlineData("equals", "5", "5.0", true)]
    [InlineData("equals", "5", "\"5\"", true)]
    [InlineData("equals", "true", "true", true)]
    [InlineData("equals", "true", "\"yes\"", false)]
    [InlineData("equals", "\"x\"", null, false)]
    [InlineData("notEquals", "\"always\"", "\"no\"", true)]
    [InlineData("notEquals", "\"always\"", "\"always\"", false)]
    [InlineData("notEquals", "true", null, true)]
    [InlineData("in", "[\"a\",\"b\"]", "\"b\"", true)]
    [InlineData("in", "[\"a\",\"b\"]", "\"c\"", false)]
    [InlineData("in", "[1,2]", "2", true)]
    [InlineData("notIn", "[\"enabled\",\"enabled-runtime\"]", "\"disabled\"", true)]
    [InlineData("notIn", "[\"enabled\",\"enabled-runtime\"]", "\"enabled-runtime\"", false)]
    [InlineData("matches", "\"^ecs(-init)?\\\\.service$\"", "\"ecs-init.service\"", true)]
    [InlineData("matches", "\"^ecs\\\\.service$\"", "\"xecs.service\"", false)]
    [InlineData("matches", "[\"^a\",\"^b\"]", "\"bee\"", true)]
    [InlineData("matches", "\"kubelet$\"", "[\"/bin/sh\",\"/usr/bin/kubelet\"]", true)]
    [InlineData("matches", "\"x\"", null, false)]
    [InlineData("notMatches", "\"^https://\"", "\"http://plain\"", true)]
    [InlineData("notMatches", "\"^https://\"", "\"https://tls\"", false)]
    [InlineData("notMatches", "\"x\"", null, true)]
    [InlineData("lt", "10", "9.5", true)]
    [InlineData("lt", "10", "10", false)]
    [InlineData("lte", "10", "10", true)]
    [InlineData("lte", "10", "11", false)]
    [InlineData("gt", "1000", "1001", true)]
    [InlineData("gt", "1000", "1000", false)]
    [InlineData("gt", "1", "\"5\"", true)]
    [InlineData("gt", "1", "null", false)]
    [InlineData("gte", "3", "3", true)]
    [InlineData("gte", "3", null, false)]
    [InlineData("exists", "true", "\"\"", true)]
    [InlineData("exists", "true", null, false)]
    [InlineData("exists", "false", null, true)]
    [InlineData("exists", "false", "0", false)]
    [InlineData("contains", "\"amazon-ecs\"", "\"/usr/libexec/amazon-ecs-init start\"", true)]
    [InlineData("contains", "\"docker.service\"", "[\"network.target\",\"docker.service\"]", true)]
    [InlineData("contains", "\"docker\"", "[\"docker.service\"]", false)]
    [InlineData("contains", "\"x\"", null, false)]
    [InlineData("containsAny", "[\"a.service\",\"b.service\"]", "[\"c.service\",\"b.service\"]", true)]
    [InlineData("containsAny", "[\"a.service\",\"b.service\"]", "[\"c.service\"]", false)]
    [InlineData("containsAny", "[\"curl\",\"wget\"]", "\"wget -q -O x\"", true)]
    [InlineData("isEmpty", "true", "[]", true)]
    [InlineData("isEmpty", "true", null, true)]
    [InlineData("isEmpty", "true", "\"\"", true)]
    [InlineData("isEmpty", "true", "[\"/usr/bin/x\"]", false)]
    [InlineData("isEmpty", "false", "{\"a\":1}", true)]
    [InlineData("count", "{\"min\":1,\"max\":2}", "[1,2]", true)]
    [InlineData("count", "{\"min\":1,\"max\":2}", "[1,2,3]", false)]
    [InlineData("count", "{\"min\":1}", "[]", false)]
    [InlineData("count", "{\"max\":0}", null, true)]
    [InlineData("count", "{\"max\":5}", "\"text\"", false)]
    [InlineData("startsWith", "\"/usr/\"", "\"/usr/bin/kubelet\"", true)]
    [InlineData("startsWith", "\"/usr/\"", "\"/opt/usr/x\"", false)]
    [InlineData("startsWith", "[\"/etc/\",\"/run/\"]", "\"/run/systemd/system/x\"", true)]
    public void Operator_evaluates(string name, string argument, string? actual, bool expected) =>
        Eval(name, argument, actual).ShouldBe(expected);

    /// <summary>Values an operator cannot judge: "cannot tell", which the evaluator reports as an error —
    /// never false, which a <c>not</c> or a <c>notX</c> would turn into a pass.</summary>
    [Theory]
    [InlineData("gt", "5", "\"5min\"", "gt cannot compare \"5min\" with 5 (not a number)")]
    [InlineData("lte", "0", "true", "lte cannot compare true with 0 (not a number)")]
    [InlineData("lt", "1", "[1]", "lt cannot compare [1] with 1 (not a number)")]
    [InlineData("gte", "1", "\"NaN\"", "gte cannot compare \"NaN\" with 1 (not a number)")]
    [InlineData("matches", "\"x\"", "{\"a\":\"x\"}", "matches cannot match a mapping as text")]
    [InlineData("notMatches", "\"x\"", "[\"y\",{\"a\":1}]", "notMatches cannot match a mapping as text")]
    [InlineData("startsWith", "\"/usr/\"", "[\"/usr/bin/x\"]", "startsWith expects text; the value is a list")]
    public void Operator_cannot_tell(string name, string argument, string actual, string reason)
    {
        var j = Bound(name, argument).Evaluate(JsonNode.Parse(actual));
        j.IsUnknown.ShouldBeTrue(j.ToString());
        j.Reason.ShouldBe(reason);
    }

    [Fact]
    public void A_match_elsewhere_in_a_list_decides_even_when_one_item_cannot_be_read_as_text()
    {
        Eval("matches", "\"^y$\"", "[{\"a\":1},\"y\"]").ShouldBe(true);
        Eval("notMatches", "\"^y$\"", "[{\"a\":1},\"y\"]").ShouldBe(false);
    }

    [Theory]
    [InlineData("equals", "[1]", "bad-argument")]
    [InlineData("in", "\"not-a-list\"", "bad-argument")]
    [InlineData("notIn", "[[1]]", "bad-argument")]
    [InlineData("lt", "\"five\"", "bad-argument")]
    [InlineData("exists", "\"yes\"", "bad-argument")]
    [InlineData("isEmpty", "1", "bad-argument")]
    [InlineData("matches", "\"(unclosed\"", "bad-regex")]
    [InlineData("notMatches", "[\"ok\",\"[z-a]\"]", "bad-regex")]
    [InlineData("matches", "5", "bad-argument")]
    [InlineData("count", "{\"min\":3,\"max\":1}", "bad-argument")]
    [InlineData("count", "{\"least\":1}", "bad-argument")]
    [InlineData("count", "{\"min\":-1}", "bad-argument")]
    [InlineData("startsWith", "7", "bad-argument")]
    public void Bad_arguments_are_load_errors(string name, string argument, string code)
    {
        var op = OperatorRegistry.Create(name)!;
        op.Validate(JsonNode.Parse(argument)).Select(p => p.Code).ShouldBe([code]);
    }

    [Theory]
    [InlineData("notIn", "[\"enabled\",\"enabled-runtime\"]", "not in [enabled, enabled-runtime]")]
    [InlineData("equals", "\"always\"", "equal to \"always\"")]
    [InlineData("matches", "[\"^a\",\"^b\"]", "matching any of /^a/, /^b/")]
    [InlineData("lte", "3", "<= 3")]
    [InlineData("count", "{\"max\":0}", "with at most 0 items")]
    [InlineData("isEmpty", "true", "empty")]
    [InlineData("exists", "false", "absent")]
    public void Describe_reads_as_english(string name, string argument, string text) =>
        Bound(name, argument).Describe().ShouldBe(text);

    [Fact]
    public void Registry_finds_every_operator_class_by_reflection()
    {
        var classes = typeof(IRuleOperator).Assembly.GetTypes()
            .Count(t => t is { IsAbstract: false, IsInterface: false } && typeof(IRuleOperator).IsAssignableFrom(t));
        OperatorRegistry.Names.Count.ShouldBe(classes);
        OperatorRegistry.Create("nope").ShouldBeNull();
    }

    [Fact]
    public void A_catastrophic_regex_answers_in_linear_time_instead_of_hanging()
    {
        var op = Bound("matches", "\"^(a+)+$\"");
        var hostile = JsonValue.Create(new string('a', 40) + "!");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        op.Evaluate(hostile).IsFalse.ShouldBeTrue();
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Field_paths_reach_map_keys_that_contain_dots()
    {
        var item = JsonNode.Parse("""{"labels":{"com.amazonaws.ecs.cluster":"prod"},"bootPath":["a","b"]}""");
        FieldPath.Resolve(item, "labels.com.amazonaws.ecs.cluster")!.GetValue<string>().ShouldBe("prod");
        FieldPath.Resolve(item, "bootPath.1")!.GetValue<string>().ShouldBe("b");
        FieldPath.Resolve(item, "labels.missing").ShouldBeNull();
    }
}

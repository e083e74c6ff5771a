using FluxSharp.Build.Substitution;

namespace FluxSharp.Build.Tests;

public class EnvsubstTests
{
    private static string Eval(string input, Dictionary<string, string> vars, bool strict = false) =>
        Envsubst.Eval(input, n => vars.TryGetValue(n, out var v) ? (v, true) : ("", !strict));

    // Cases from fluxcd/pkg/envsubst eval_test.go (bash parameter expansion semantics).
    [Theory]
    [InlineData("abcdEFGH28ij", "", "", "abcdEFGH28ij")]
    [InlineData("${#var01}", "var01", "abcdEFGH28ij", "12")]
    [InlineData("${var01^}", "var01", "abcdEFGH28ij", "AbcdEFGH28ij")]
    [InlineData("${var01^^}", "var01", "abcdEFGH28ij", "ABCDEFGH28IJ")]
    [InlineData("${var01,}", "var01", "ABCDEFGH28IJ", "aBCDEFGH28IJ")]
    [InlineData("${var01,,}", "var01", "ABCDEFGH28IJ", "abcdefgh28ij")]
    [InlineData("${path_name:11}", "path_name", "/home/bozo/ideas/thoughts.for.today", "ideas/thoughts.for.today")]
    [InlineData("${path_name:11:5}", "path_name", "/home/bozo/ideas/thoughts.for.today", "ideas")]
    [InlineData("${var=xyz}", "var", "abc", "abc")]
    [InlineData("${var=xyz}", "other", "abc", "xyz")]
    [InlineData("${var:=xyz}", "other", "", "xyz")]
    [InlineData("${var:-xyz}", "var", "", "xyz")]
    [InlineData("something ${var=${default_var}}", "default_var", "foo", "something foo")]
    [InlineData("foo: ${var=prefix${default_var}-suffix}", "default_var", "foo1", "foo: prefixfoo1-suffix")]
    [InlineData("${stringZ/%abc/XYZ}", "stringZ", "abcABC123ABCabc", "abcABC123ABCXYZ")]
    [InlineData("${stringZ/#abc/XYZ}", "stringZ", "abcABC123ABCabc", "XYZABC123ABCabc")]
    [InlineData("${stringZ//abc/xyz}", "stringZ", "abcABC123ABCabc", "xyzABC123ABCxyz")]
    [InlineData("${stringZ/abc/xyz}", "stringZ", "abcABC123ABCabc", "xyzABC123ABCabc")]
    [InlineData("${filename#*.}", "filename", "bash.string.txt", "string.txt")]
    [InlineData("${filename##*.}", "filename", "bash.string.txt", "txt")]
    [InlineData("${filename##*/}", "filename", "/path/to/file", "file")]
    [InlineData("${filename%.*}", "filename", "bash.string.txt", "bash.string")]
    [InlineData("${filename%%.*}", "filename", "bash.string.txt", "bash")]
    [InlineData("${var=${var01^^}}", "var01", "abcdEFGH28ij", "ABCDEFGH28IJ")]
    [InlineData("$${var01}", "var01", "abcdEFGH28ij", "${var01}")]
    [InlineData("some text ${var01}$${var$${var01}$var01${var01}", "var01", "abcdEFGH28ij", "some text abcdEFGH28ij${var${var01}$var01abcdEFGH28ij")]
    [InlineData("something $${var=${default_var}}", "default_var", "foo", "something ${var=foo}")]
    [InlineData(@"${stringZ/\//-}", "stringZ", "foo/bar", "foo-bar")]
    [InlineData(@"${stringZ//\//-}", "stringZ", "foo/bar/baz", "foo-bar-baz")]
    [InlineData("\\\\something ${var=${default_var}}", "default_var", "foo", "\\\\something foo")]
    [InlineData("${stringZ/./}", "stringZ", "foo.bar", "foobar")]
    [InlineData("plain $HOME and $ alone", "HOME", "/root", "plain $HOME and $ alone")]
    public void ExpandsLikeFluxEnvsubst(string input, string name, string value, string expected)
    {
        var vars = name.Length == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { [name] = value };
        Assert.Equal(expected, Eval(input, vars));
    }

    [Fact]
    public void MissingVariableIsEmptyWhenNotStrict() =>
        Assert.Equal("a--b", Eval("a-${missing}-b", []));

    [Fact]
    public void MissingVariableFailsInStrictMode()
    {
        var e = Assert.Throws<EnvsubstException>(() => Eval("a-${missing}-b", [], strict: true));
        Assert.Equal("variable not set (strict mode): \"missing\"", e.Message);
    }

    [Theory]
    [InlineData("${missing:=d}", "d")]
    [InlineData("${missing:-d}", "d")]
    [InlineData("${missing=d}", "d")]
    public void DefaultsSatisfyStrictMode(string input, string expected) =>
        Assert.Equal(expected, Eval(input, [], strict: true));

    [Fact]
    public void TransformOfMissingVariableFailsInStrictMode() =>
        Assert.Throws<EnvsubstException>(() => Eval("${missing^^}", [], strict: true));

    [Theory]
    [InlineData("${{ github.ref }}", "unable to parse variable name")]
    [InlineData("${}", "unable to parse variable name")]
    [InlineData("${foo.bar}", "missing closing brace")]
    [InlineData("${foo", "missing closing brace")]
    [InlineData("${foo-bar}", "missing closing brace")]
    public void ParseErrorsMatchFlux(string input, string message)
    {
        var e = Assert.Throws<EnvsubstException>(() => Eval(input, new() { ["foo"] = "x" }));
        Assert.Equal(message, e.Message);
    }
}

using System.Globalization;
using MissionConformance.Harness.Crypto;

namespace MissionConformance.Harness.Tests;

/// <summary>RFC 8785 test vectors (Appendix B numbers, §3.2.2 and §3.2.3 examples).</summary>
public sealed class JcsTests
{
    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    public void Number_Rfc8785AppendixB_FormatsAsEcmaScript(string ieee754, string expected)
    {
        var value = BitConverter.Int64BitsToDouble(long.Parse(ieee754, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

        Assert.Equal(expected, Jcs.NumberToString(value));
    }

    [Theory]
    [InlineData("7fffffffffffffff")]
    [InlineData("7ff0000000000000")]
    public void Number_NaNOrInfinity_IsRefused(string ieee754)
    {
        var value = BitConverter.Int64BitsToDouble(long.Parse(ieee754, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

        Assert.Throws<FormatException>(() => Jcs.NumberToString(value));
    }

    [Fact]
    public void Canonicalize_Rfc8785Section322Example()
    {
        const string input = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n" +
                             "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true, false]\n}";

        Assert.Equal("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
            Jcs.Canonicalize(input));
    }

    [Fact]
    public void Canonicalize_SortsMembersByUtf16CodeUnits()
    {
        const string input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\",\"1\":\"One\"," +
                             "\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";

        var names = System.Text.Json.JsonDocument.Parse(Jcs.Canonicalize(input)).RootElement.EnumerateObject().Select(p => p.Value.GetString()).ToList();

        Assert.Equal(["Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign", "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"], names);
    }
}

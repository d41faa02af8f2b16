using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MissionConformance.Reference.Anchors;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme, as the reference Authorization Server computes it.
/// The harness has its own implementation on purpose: an anchor that both sides compute with
/// the same code would prove nothing (issue "harness": crypto independent of the reference).
/// </summary>
public static class Jcs
{
    public static string Canonicalize(JsonElement element)
    {
        var builder = new StringBuilder();
        Write(element, builder);
        return builder.ToString();
    }

    private static void Write(JsonElement element, StringBuilder output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                output.Append('{');
                // RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names.
                var members = element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0) output.Append(',');
                    WriteString(members[i].Name, output);
                    output.Append(':');
                    Write(members[i].Value, output);
                }
                output.Append('}');
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first) output.Append(',');
                    first = false;
                    Write(item, output);
                }
                output.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output);
                break;
            case JsonValueKind.Number:
                output.Append(FormatNumber(element.GetDouble()));
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            case JsonValueKind.Null:
                output.Append("null");
                break;
            default:
                throw new ArgumentException($"cannot canonicalize a JSON {element.ValueKind}", nameof(element));
        }
    }

    private static void WriteString(string value, StringBuilder output)
    {
        output.Append('"');
        foreach (var c in value)
        {
            output.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        output.Append('"');
    }

    /// <summary>ECMAScript Number::toString, which RFC 8785 §3.2.2.3 mandates.</summary>
    private static string FormatNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentException("NaN and Infinity have no JSON form", nameof(value));
        }
        if (value == 0)
        {
            return "0";
        }

        // Shortest round-trip digits and the decimal exponent, from .NET's "E" form of the "R" digits.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var scientific = double.Parse(shortest, CultureInfo.InvariantCulture)
            .ToString("E" + (CountSignificantDigits(shortest) - 1), CultureInfo.InvariantCulture);
        var mantissa = scientific[..scientific.IndexOf('E')].Replace(".", "", StringComparison.Ordinal).TrimEnd('0');
        var exponent = int.Parse(scientific[(scientific.IndexOf('E') + 1)..], CultureInfo.InvariantCulture);
        var k = mantissa.Length;
        var n = exponent + 1;
        var sign = value < 0 ? "-" : "";

        string body;
        if (k <= n && n <= 21) body = mantissa + new string('0', n - k);
        else if (0 < n && n <= 21) body = mantissa[..n] + "." + mantissa[n..];
        else if (-6 < n && n <= 0) body = "0." + new string('0', -n) + mantissa;
        else
        {
            var e = n - 1;
            var exponentText = (e < 0 ? "-" : "+") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
            body = k == 1 ? mantissa + "e" + exponentText : mantissa[..1] + "." + mantissa[1..] + "e" + exponentText;
        }
        return sign + body;
    }

    private static int CountSignificantDigits(string roundTrip)
    {
        var digits = roundTrip.Split('E')[0].Replace(".", "", StringComparison.Ordinal).TrimStart('0').TrimEnd('0');
        return Math.Max(1, digits.Length);
    }
}

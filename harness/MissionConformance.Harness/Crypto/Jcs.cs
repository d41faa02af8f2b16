using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MissionConformance.Harness.Crypto;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme. Written independently of the reference stack's
/// canonicalizer: a verifier sharing the prover's code would share its bugs.
/// </summary>
public static class Jcs
{
    public static string Canonicalize(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Canonicalize(document.RootElement);
    }

    public static string Canonicalize(JsonElement value)
    {
        var output = new StringBuilder();
        Append(output, value);
        return output.ToString();
    }

    private static void Append(StringBuilder output, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null: output.Append("null"); return;
            case JsonValueKind.True: output.Append("true"); return;
            case JsonValueKind.False: output.Append("false"); return;
            case JsonValueKind.String: AppendString(output, value.GetString()!); return;
            case JsonValueKind.Number: output.Append(NumberToString(value.GetDouble())); return;
            case JsonValueKind.Array:
                output.Append('[');
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (index++ > 0) output.Append(',');
                    Append(output, item);
                }
                output.Append(']');
                return;
            case JsonValueKind.Object:
                // §3.2.3: sort by UTF-16 code units; string.CompareOrdinal compares exactly those.
                var names = new List<JsonProperty>(value.EnumerateObject());
                names.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                output.Append('{');
                for (var i = 0; i < names.Count; i++)
                {
                    if (i > 0) output.Append(',');
                    AppendString(output, names[i].Name);
                    output.Append(':');
                    Append(output, names[i].Value);
                }
                output.Append('}');
                return;
            default:
                throw new FormatException($"JSON value of kind {value.ValueKind} cannot be canonicalized");
        }
    }

    /// <summary>§3.2.2.2: only ", \ and C0 controls are escaped; the five short forms where they exist.</summary>
    private static void AppendString(StringBuilder output, string text)
    {
        output.Append('"');
        foreach (var ch in text)
        {
            if (ch == '"' || ch == '\\') output.Append('\\').Append(ch);
            else if (ch >= 0x20) output.Append(ch);
            else if (ch == '\b') output.Append("\\b");
            else if (ch == '\t') output.Append("\\t");
            else if (ch == '\n') output.Append("\\n");
            else if (ch == '\f') output.Append("\\f");
            else if (ch == '\r') output.Append("\\r");
            else output.Append("\\u00").Append(((int)ch).ToString("x2", CultureInfo.InvariantCulture));
        }
        output.Append('"');
    }

    /// <summary>ECMAScript Number.prototype.toString (ECMA-262 §7.1.12.1), as §3.2.2.3 requires.</summary>
    public static string NumberToString(double number)
    {
        if (!double.IsFinite(number)) throw new FormatException("NaN and Infinity are not valid JSON numbers");
        if (number == 0) return "0";
        if (number < 0) return "-" + NumberToString(-number);

        // "R" yields the shortest digits that round-trip, as ECMAScript requires; only the layout differs.
        var roundTrip = number.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = roundTrip.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? roundTrip : roundTrip[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(roundTrip[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var integerDigits = (point < 0 ? mantissa.Length : point) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        var n = integerDigits - leadingZeros;  // the decimal point sits after n digits
        var k = digits.Length;

        if (k <= n && n <= 21) return digits + new string('0', n - k);
        if (0 < n && n <= 21) return digits[..n] + "." + digits[n..];
        if (-6 < n && n <= 0) return "0." + new string('0', -n) + digits;
        var e = n - 1;
        var exponentPart = "e" + (e < 0 ? "-" : "+") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
        return k == 1 ? digits + exponentPart : digits[0] + "." + digits[1..] + exponentPart;
    }
}

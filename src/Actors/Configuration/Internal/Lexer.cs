using System.Globalization;
using System.Text;

namespace QuicActors.Configuration.Internal;

/// <summary>
/// Splits HOCON (or strict JSON) text into tokens. Comments are dropped, newlines kept as tokens because they
/// separate fields, and runs of other whitespace kept because they matter inside concatenations and keys.
/// </summary>
internal sealed class Lexer(string text, ConfigOrigin origin, ConfigSyntax syntax)
{
    private const string Forbidden = "$\"{}[]:=,+#`^?!@*&\\";

    private readonly bool json = syntax == ConfigSyntax.Json;
    private int pos;
    private int line = 1;
    private int column = 1;

    public static bool IsWhitespace(char c) => c switch
    {
        ' ' or '\t' or '\n' or '\v' or '\f' or '\r' or '\u001C' or '\u001D' or '\u001E' or '\u001F' or '\uFEFF' => true,
        _ when c < 128 => false,
        _ => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator,
    };

    public static bool IsForbiddenUnquoted(char c) => Forbidden.Contains(c, StringComparison.Ordinal) || IsWhitespace(c);

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            var t = Next(inSubstitution: false);
            if (t is null)
            {
                continue;
            }

            tokens.Add(t);
            if (t.Kind == TokenKind.Eof)
            {
                return tokens;
            }
        }
    }

    private ConfigException Error(string message, int atLine, int atColumn) =>
        new($"{origin.Description}:{atLine}:{atColumn}: {message}", null, origin.WithLine(atLine));

    private char Peek(int offset = 0) => pos + offset < text.Length ? text[pos + offset] : '\0';

    private bool AtEnd(int offset = 0) => pos + offset >= text.Length;

    private void Advance()
    {
        if (text[pos] == '\n')
        {
            line++;
            column = 1;
        }
        else
        {
            column++;
        }

        pos++;
    }

    /// <summary>Returns the next token, or null for a comment that was skipped.</summary>
    private Token? Next(bool inSubstitution)
    {
        if (AtEnd())
        {
            return new Token(TokenKind.Eof, string.Empty, line, column);
        }

        int startLine = line, startColumn = column;
        var c = Peek();
        switch (c)
        {
            case '\n':
                Advance();
                return new Token(TokenKind.Newline, "\n", startLine, startColumn);
            case '#':
                SkipComment(startLine, startColumn);
                return null;
            case '/' when Peek(1) == '/':
                SkipComment(startLine, startColumn);
                return null;
            case '"':
                return Peek(1) == '"' && Peek(2) == '"' ? LexTripleQuoted(startLine, startColumn) : LexQuoted(startLine, startColumn);
            case '{':
                Advance();
                return new Token(TokenKind.OpenBrace, "{", startLine, startColumn);
            case '}':
                Advance();
                return new Token(TokenKind.CloseBrace, "}", startLine, startColumn);
            case '[':
                Advance();
                return new Token(TokenKind.OpenBracket, "[", startLine, startColumn);
            case ']':
                Advance();
                return new Token(TokenKind.CloseBracket, "]", startLine, startColumn);
            case ',':
                Advance();
                return new Token(TokenKind.Comma, ",", startLine, startColumn);
            case ':':
                Advance();
                return new Token(TokenKind.Colon, ":", startLine, startColumn);
            case '=':
                if (json)
                {
                    throw Error("found '=': JSON separates keys and values with ':' only", startLine, startColumn);
                }

                Advance();
                return new Token(TokenKind.Equals, "=", startLine, startColumn);
            case '+' when Peek(1) == '=' && !json:
                Advance();
                Advance();
                return new Token(TokenKind.PlusEquals, "+=", startLine, startColumn);
            case '$' when Peek(1) == '{' && !json && !inSubstitution:
                return LexSubstitution(startLine, startColumn);
        }

        if (IsWhitespace(c))
        {
            var start = pos;
            while (!AtEnd() && Peek() != '\n' && IsWhitespace(Peek()))
            {
                Advance();
            }

            return new Token(TokenKind.Whitespace, text[start..pos], startLine, startColumn);
        }

        if (c == '-' || char.IsAsciiDigit(c))
        {
            return LexNumber(startLine, startColumn);
        }

        if (Forbidden.Contains(c, StringComparison.Ordinal))
        {
            throw Error($"found reserved character '{c}' outside quotes; put the text in double quotes if '{c}' is meant literally", startLine, startColumn);
        }

        foreach (var (keyword, kind) in Keywords)
        {
            if (string.CompareOrdinal(text, pos, keyword, 0, keyword.Length) == 0)
            {
                for (var i = 0; i < keyword.Length; i++)
                {
                    Advance();
                }

                return new Token(kind, keyword, startLine, startColumn);
            }
        }

        if (json)
        {
            throw Error($"found unquoted text starting with '{c}': JSON strings must be in double quotes", startLine, startColumn);
        }

        var begin = pos;
        while (!AtEnd() && !IsForbiddenUnquoted(Peek()) && !(Peek() == '/' && Peek(1) == '/'))
        {
            Advance();
        }

        return new Token(TokenKind.Unquoted, text[begin..pos], startLine, startColumn);
    }

    private static readonly (string Keyword, TokenKind Kind)[] Keywords =
        [("true", TokenKind.True), ("false", TokenKind.False), ("null", TokenKind.Null)];

    private void SkipComment(int startLine, int startColumn)
    {
        if (json)
        {
            throw Error("found a comment: JSON has no comments", startLine, startColumn);
        }

        while (!AtEnd() && Peek() != '\n')
        {
            Advance();
        }
    }

    private Token LexNumber(int startLine, int startColumn)
    {
        var start = pos;
        if (Peek() == '-')
        {
            Advance();
            if (!char.IsAsciiDigit(Peek()))
            {
                throw Error("found '-' not followed by a digit; text that starts with '-' must be in double quotes", startLine, startColumn);
            }
        }

        if (Peek() == '0')
        {
            Advance();
        }
        else
        {
            while (char.IsAsciiDigit(Peek()))
            {
                Advance();
            }
        }

        if (Peek() == '.' && char.IsAsciiDigit(Peek(1)))
        {
            Advance();
            while (char.IsAsciiDigit(Peek()))
            {
                Advance();
            }
        }

        if (Peek() is 'e' or 'E')
        {
            var digitAt = Peek(1) is '+' or '-' ? 2 : 1;
            if (char.IsAsciiDigit(Peek(digitAt)))
            {
                for (var i = 0; i < digitAt; i++)
                {
                    Advance();
                }

                while (char.IsAsciiDigit(Peek()))
                {
                    Advance();
                }
            }
        }

        var number = text[start..pos];
        if (!double.IsFinite(double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture)))
        {
            throw Error($"number {number} is too large for a double", startLine, startColumn);
        }

        return new Token(TokenKind.Number, number, startLine, startColumn);
    }

    private Token LexQuoted(int startLine, int startColumn)
    {
        Advance();
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd())
            {
                throw Error("quoted string is not closed: end of input before the closing '\"'", startLine, startColumn);
            }

            var c = Peek();
            if (c == '"')
            {
                Advance();
                return new Token(TokenKind.QuotedString, sb.ToString(), startLine, startColumn);
            }

            if (c < ' ')
            {
                throw Error(
                    c == '\n'
                        ? "quoted string is not closed before the end of the line (use \\n for a newline, or \"\"\" for a multi-line string)"
                        : $"control character U+{(int)c:X4} inside a quoted string; write it as an escape such as \\u{(int)c:X4}",
                    line,
                    column);
            }

            if (c != '\\')
            {
                sb.Append(c);
                Advance();
                continue;
            }

            int escLine = line, escColumn = column;
            Advance();
            if (AtEnd())
            {
                throw Error("quoted string ends with a lone backslash", escLine, escColumn);
            }

            var e = Peek();
            Advance();
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    var value = 0;
                    for (var i = 0; i < 4; i++)
                    {
                        var h = Peek();
                        if (!char.IsAsciiHexDigit(h))
                        {
                            throw Error("\\u escape needs exactly four hex digits", escLine, escColumn);
                        }

                        value = (value * 16) + Convert.ToInt32(h.ToString(), 16);
                        Advance();
                    }

                    sb.Append((char)value);
                    break;
                default:
                    throw Error($"invalid escape '\\{e}' in quoted string; valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", escLine, escColumn);
            }
        }
    }

    private Token LexTripleQuoted(int startLine, int startColumn)
    {
        if (json)
        {
            throw Error("found '\"\"\"': JSON has no triple-quoted strings", startLine, startColumn);
        }

        Advance();
        Advance();
        Advance();
        var start = pos;
        while (true)
        {
            if (AtEnd())
            {
                throw Error("triple-quoted string is not closed: end of input before the closing '\"\"\"'", startLine, startColumn);
            }

            if (Peek() == '"' && Peek(1) == '"' && Peek(2) == '"')
            {
                // Any run of three or more quotes closes the string; quotes beyond the last three belong to it.
                var runEnd = pos;
                while (runEnd < text.Length && text[runEnd] == '"')
                {
                    runEnd++;
                }

                var contentEnd = runEnd - 3;
                var value = text[start..contentEnd];
                while (pos < runEnd)
                {
                    Advance();
                }

                return new Token(TokenKind.QuotedString, value, startLine, startColumn);
            }

            Advance();
        }
    }

    private Token LexSubstitution(int startLine, int startColumn)
    {
        Advance();
        Advance();
        var optional = false;
        if (Peek() == '?')
        {
            optional = true;
            Advance();
        }

        var inner = new List<Token>();
        while (true)
        {
            if (AtEnd())
            {
                throw Error("substitution is not closed: end of input before '}'", startLine, startColumn);
            }

            var c = Peek();
            if (c == '}')
            {
                Advance();
                break;
            }

            int l = line, col = column;
            if (c == '\n' || c == '#' || (c == '/' && Peek(1) == '/') || (c != '"' && Forbidden.Contains(c, StringComparison.Ordinal)))
            {
                throw Error(
                    c == '\n' ? "substitution is not closed before the end of the line" : $"found '{c}' inside a substitution; only a path expression may appear between ${{ and }}",
                    l,
                    col);
            }

            var t = Next(inSubstitution: true)!;
            inner.Add(t);
        }

        while (inner.Count > 0 && inner[^1].Kind == TokenKind.Whitespace)
        {
            inner.RemoveAt(inner.Count - 1);
        }

        while (inner.Count > 0 && inner[0].Kind == TokenKind.Whitespace)
        {
            inner.RemoveAt(0);
        }

        if (inner.Count == 0)
        {
            throw Error("empty substitution '${}': a path is required", startLine, startColumn);
        }

        return new Token(TokenKind.Substitution, string.Empty, startLine, startColumn) { Optional = optional, Inner = inner };
    }
}

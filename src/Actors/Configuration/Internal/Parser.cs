using System.Runtime.CompilerServices;
using System.Text;

namespace QuicActors.Configuration.Internal;

/// <summary>
/// Recursive-descent parser from tokens to an unresolved tree. Duplicate keys are merged as they are met;
/// substitutions stay as nodes until <see cref="Resolver"/> runs over the whole configuration.
/// </summary>
internal sealed class Parser
{
    /// <summary>Deepest nesting of objects and arrays accepted; deeper input is refused rather than risking the stack.</summary>
    public const int MaxNesting = 200;

    private readonly List<Token> tokens;
    private readonly ConfigOrigin origin;
    private readonly bool json;
    private readonly Includer? includer;
    private int index;
    private int depth;

    private Parser(List<Token> tokens, ConfigOrigin origin, ConfigSyntax syntax, Includer? includer)
    {
        this.tokens = tokens;
        this.origin = origin;
        json = syntax == ConfigSyntax.Json;
        this.includer = includer;
    }

    /// <summary>Parses a whole document: an object, or (JSON style) an array that the caller may refuse.</summary>
    public static ConfigNode ParseDocument(string text, ConfigOrigin origin, ConfigSyntax syntax, Includer? includer)
    {
        var tokens = new Lexer(text, origin, syntax).Tokenize();
        var parser = new Parser(tokens, origin, syntax, includer);
        return parser.Document();
    }

    private Token Current => tokens[index];

    private ConfigException Error(string message, Token at) =>
        new($"{origin.Description}:{at.Line}:{at.Column}: {message}", null, origin.WithLine(at.Line));

    private ConfigOrigin OriginOf(Token t) => origin.WithLine(t.Line);

    private void SkipWhitespace()
    {
        while (Current.Kind == TokenKind.Whitespace || (json && Current.Kind == TokenKind.Newline))
        {
            index++;
        }
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (Current.Kind is TokenKind.Whitespace or TokenKind.Newline)
        {
            index++;
        }
    }

    private ConfigNode Document()
    {
        SkipWhitespaceAndNewlines();
        ConfigNode root;
        if (Current.Kind is TokenKind.OpenBrace or TokenKind.OpenBracket)
        {
            var open = Current;
            index++;
            root = open.Kind == TokenKind.OpenBrace ? ParseObjectBody(open, braced: true, ConfigPath.Root) : ParseArray(open);
            SkipWhitespaceAndNewlines();
            if (Current.Kind != TokenKind.Eof)
            {
                throw Error(
                    $"found {Current.Describe()} after the root {(open.Kind == TokenKind.OpenBrace ? "object" : "array")} closed; a document holds one root value",
                    Current);
            }
        }
        else
        {
            if (json)
            {
                throw Error($"found {Current.Describe()}: a JSON document must start with '{{' or '['", Current);
            }

            root = ParseObjectBody(Current, braced: false, ConfigPath.Root);
        }

        return root;
    }

    private void Enter(Token at)
    {
        if (++depth > MaxNesting || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error($"objects and arrays are nested more than {MaxNesting} deep", at);
        }
    }

    private ConfigObject ParseObjectBody(Token open, bool braced, ConfigPath? prefix)
    {
        Enter(open);
        var obj = new ConfigObject(OriginOf(open));
        var first = true;
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var t = Current;
            if (t.Kind == TokenKind.CloseBrace)
            {
                if (!braced)
                {
                    throw Error("found '}' with no matching '{' (the root object's braces were omitted, so the file must not close them)", t);
                }

                index++;
                break;
            }

            if (t.Kind == TokenKind.Eof)
            {
                if (braced)
                {
                    throw Error($"end of input inside the object opened at line {open.Line}, column {open.Column}; a '}}' is missing", t);
                }

                break;
            }

            if (t.Kind == TokenKind.Comma)
            {
                throw Error(first ? "found ',' before the first field of the object" : "found two ',' in a row", t);
            }

            if (!json && t.Kind == TokenKind.Unquoted && t.Text == "include" && IsIncludeStatement())
            {
                ParseInclude(obj, prefix);
            }
            else
            {
                ParseField(obj, prefix);
            }

            first = false;
            EndOfElement(TokenKind.CloseBrace, "a field's value; fields");
        }

        depth--;
        return obj;
    }

    /// <summary>
    /// After a field or array element: a comma (at most one, and in JSON not before the closing bracket), a
    /// newline (HOCON), or the closing bracket must follow.
    /// </summary>
    private void EndOfElement(TokenKind close, string what)
    {
        SkipWhitespace();
        var after = Current;
        if (after.Kind == TokenKind.Comma)
        {
            index++;
            SkipWhitespaceAndNewlines();
            if (Current.Kind == TokenKind.Comma)
            {
                throw Error("found two ',' in a row", Current);
            }

            if (json && Current.Kind == close)
            {
                throw Error($"found {Current.Describe()} after ',': JSON does not allow a trailing comma", Current);
            }
        }
        else if (after.Kind != TokenKind.Newline && after.Kind != close && after.Kind != TokenKind.Eof)
        {
            throw Error($"found {after.Describe()} after {what} are separated by ',' or a newline", after);
        }
    }

    private bool IsIncludeStatement()
    {
        var next = tokens[index + 1];
        return next.Kind is TokenKind.Whitespace or TokenKind.Newline or TokenKind.QuotedString;
    }

    private void ParseField(ConfigObject obj, ConfigPath? prefix)
    {
        var keyStart = Current;
        var keyTokens = new List<Token>();
        while (Current.Kind is TokenKind.QuotedString or TokenKind.Unquoted or TokenKind.Number or TokenKind.True or TokenKind.False
               or TokenKind.Null or TokenKind.Whitespace)
        {
            keyTokens.Add(Current);
            index++;
        }

        while (keyTokens.Count > 0 && keyTokens[^1].Kind == TokenKind.Whitespace)
        {
            keyTokens.RemoveAt(keyTokens.Count - 1);
        }

        if (keyTokens.Count == 0)
        {
            throw Error(
                Current.Kind == TokenKind.Substitution
                    ? "found a substitution where a key was expected; substitutions are not allowed in keys"
                    : $"found {Current.Describe()} where a key was expected",
                Current);
        }

        ConfigPath key;
        if (json)
        {
            if (keyTokens.Count != 1 || keyTokens[0].Kind != TokenKind.QuotedString)
            {
                throw Error("JSON keys must be a single quoted string", keyStart);
            }

            key = new ConfigPath([keyTokens[0].Text]);
        }
        else
        {
            key = PathFromTokens(keyTokens, OriginOf(keyStart), null);
        }

        SkipWhitespaceAndNewlines();
        var sep = Current;
        var append = false;
        switch (sep.Kind)
        {
            case TokenKind.Colon or TokenKind.Equals:
                index++;
                SkipWhitespaceAndNewlines();
                break;
            case TokenKind.PlusEquals:
                append = true;
                index++;
                SkipWhitespaceAndNewlines();
                break;
            case TokenKind.OpenBrace when !json:
                break;
            default:
                throw Error($"found {sep.Describe()} after key '{key}'; expected ':', '=', '+=' or '{{'", sep);
        }

        var fieldPath = prefix?.Concat(key);
        if (!Current.IsValueStart)
        {
            throw Error($"found {Current.Describe()} where the value of '{key}' was expected", Current);
        }

        // A path key nests as deeply as braces do, so it counts against the same limit.
        depth += key.Length - 1;
        if (depth > MaxNesting)
        {
            throw Error($"objects and arrays are nested more than {MaxNesting} deep (counting the elements of path keys)", keyStart);
        }

        var value = ParseValue(fieldPath);
        depth -= key.Length - 1;
        if (append)
        {
            // a += b means a = ${?a} [b]
            var self = fieldPath ?? key;
            var selfRef = new Substitution(self, self, optional: true, OriginOf(sep));
            value = new Concatenation([selfRef, new ConfigList(value.Origin, [value])], OriginOf(sep));
        }

        Put(obj, key, value);
    }

    /// <summary>Sets <paramref name="key"/> (a path) in <paramref name="obj"/>, merging with what is already there.</summary>
    private static void Put(ConfigObject obj, ConfigPath key, ConfigNode value)
    {
        for (var i = key.Length - 1; i >= 1; i--)
        {
            var wrapper = new ConfigObject(value.Origin);
            wrapper.Fields[key[i]] = value;
            value = wrapper;
        }

        MergeField(obj, key[0], value);
    }

    /// <summary>
    /// Merges <paramref name="value"/> into field <paramref name="key"/>. Objects built by this parse belong to
    /// it alone, so they merge in place: copying on every duplicate key would make a file with many
    /// <c>a.x = ...</c> lines quadratic.
    /// </summary>
    private static void MergeField(ConfigObject obj, string key, ConfigNode value)
    {
        if (obj.Fields.TryGetValue(key, out var existing))
        {
            if (value is ConfigObject { IgnoresFallbacks: false } newer && existing is ConfigObject older)
            {
                foreach (var (k, v) in newer.Fields)
                {
                    MergeField(older, k, v);
                }
            }
            else
            {
                obj.Fields[key] = Merger.Merge(value, existing);
            }
        }
        else
        {
            obj.Fields[key] = value;
        }

        obj.Invalidate();
    }

    private ConfigNode ParseValue(ConfigPath? path)
    {
        var start = Current;
        var pieces = new List<ConfigNode>();
        while (true)
        {
            var t = Current;
            switch (t.Kind)
            {
                case TokenKind.OpenBrace:
                    index++;
                    pieces.Add(ParseObjectBody(t, braced: true, path));
                    break;
                case TokenKind.OpenBracket:
                    index++;
                    pieces.Add(ParseArray(t));
                    break;
                case TokenKind.QuotedString or TokenKind.Unquoted:
                    index++;
                    pieces.Add(new ConfigString(t.Text, OriginOf(t)));
                    break;
                case TokenKind.Number:
                    index++;
                    pieces.Add(new ConfigNumber(t.Text, OriginOf(t)));
                    break;
                case TokenKind.True or TokenKind.False:
                    index++;
                    pieces.Add(new ConfigBoolean(t.Kind == TokenKind.True, OriginOf(t)));
                    break;
                case TokenKind.Null:
                    index++;
                    pieces.Add(new ConfigNull(OriginOf(t)));
                    break;
                case TokenKind.Substitution:
                    index++;
                    var subPath = PathFromTokens(t.Inner!, OriginOf(t), null);
                    pieces.Add(new Substitution(subPath, subPath, t.Optional, OriginOf(t)));
                    break;
                default:
                    throw Error($"found {t.Describe()} where a value was expected", t);
            }

            // Concatenation continues across non-newline whitespace (kept) or directly adjacent values.
            if (Current.IsValueStart)
            {
                continue;
            }

            if (Current.Kind == TokenKind.Whitespace && tokens[index + 1].IsValueStart)
            {
                pieces.Add(new ConcatWhitespace(Current.Text, OriginOf(Current)));
                index++;
                continue;
            }

            break;
        }

        if (pieces.Count == 1)
        {
            return pieces[0];
        }

        if (json)
        {
            throw Error("JSON values cannot be concatenated; separate values with ','", start);
        }

        return Concatenator.JoinAtParse(pieces, OriginOf(start));
    }

    private ConfigList ParseArray(Token open)
    {
        Enter(open);
        var items = new List<ConfigNode>();
        var first = true;
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var t = Current;
            if (t.Kind == TokenKind.CloseBracket)
            {
                index++;
                break;
            }

            if (t.Kind == TokenKind.Eof)
            {
                throw Error($"end of input inside the array opened at line {open.Line}, column {open.Column}; a ']' is missing", t);
            }

            if (t.Kind == TokenKind.Comma)
            {
                throw Error(first ? "found ',' before the first element of the array" : "found two ',' in a row", t);
            }

            items.Add(ParseValue(null));
            first = false;
            EndOfElement(TokenKind.CloseBracket, "an array element; elements");
        }

        depth--;
        return new ConfigList(OriginOf(open), items);
    }

    private void ParseInclude(ConfigObject obj, ConfigPath? prefix)
    {
        var includeToken = Current;
        index++;
        SkipWhitespaceAndNewlines();

        // The argument is "name", or name wrapped in file()/classpath()/url(), optionally wrapped in required().
        // The lexer sees "required(" and "file(" as unquoted text, so the wrappers are matched on that text.
        var wrappers = new List<string>();
        string? name = null;
        var open = 0;
        while (name is null)
        {
            var t = Current;
            if (t.Kind == TokenKind.QuotedString)
            {
                name = t.Text;
                index++;
                break;
            }

            if (t.Kind is TokenKind.Whitespace or TokenKind.Newline && open > 0)
            {
                index++;
                continue;
            }

            if (t.Kind != TokenKind.Unquoted)
            {
                throw Error($"found {t.Describe()} after include; expected a quoted file name, or required(...), file(...), classpath(...) or url(...) around one", t);
            }

            var rest = t.Text.AsSpan();
            while (!rest.IsEmpty)
            {
                var matched = false;
                foreach (var w in (ReadOnlySpan<string>)["required", "file", "classpath", "url"])
                {
                    if (rest.StartsWith(w + "(", StringComparison.Ordinal))
                    {
                        wrappers.Add(w);
                        open++;
                        rest = rest[(w.Length + 1)..];
                        matched = true;
                        break;
                    }

                    if (rest.SequenceEqual(w))
                    {
                        throw Error($"found '{w}' after include without '(' directly after it", t);
                    }
                }

                if (!matched)
                {
                    throw Error($"found '{rest}' after include; expected a quoted file name, or required(...), file(...), classpath(...) or url(...) around one", t);
                }
            }

            index++;
        }

        while (open > 0)
        {
            var t = Current;
            if (t.Kind is TokenKind.Whitespace or TokenKind.Newline)
            {
                index++;
                continue;
            }

            if (t.Kind != TokenKind.Unquoted || t.Text.AsSpan().TrimStart(')').Length != 0 || t.Text.Length > open)
            {
                throw Error($"found {t.Describe()} in include; expected ')' to close {wrappers[^open]}(", t);
            }

            open -= t.Text.Length;
            index++;
        }

        var required = wrappers.Count > 0 && wrappers[0] == "required";
        var kinds = required ? wrappers.Skip(1).ToList() : wrappers;
        if (kinds.Count > 1 || kinds.Contains("required"))
        {
            throw Error("include accepts at most one of file(), classpath(), url(), optionally inside required()", includeToken);
        }

        if (includer is null)
        {
            throw Error("include statements are not allowed here", includeToken);
        }

        var kind = kinds.Count == 0 ? IncludeKind.Heuristic : kinds[0] switch
        {
            "file" => IncludeKind.File,
            "classpath" => IncludeKind.Classpath,
            _ => IncludeKind.Url,
        };

        var included = includer.Include(kind, name, required, OriginOf(includeToken));
        if (prefix is { IsRoot: false })
        {
            included = (ConfigObject)Merger.Relativize(included, prefix);
        }

        foreach (var (k, v) in included.Fields)
        {
            MergeField(obj, k, v);
        }
    }

    /// <summary>
    /// Builds a path from the tokens of a key or substitution: text is concatenated as written, and '.' outside
    /// quoted strings separates elements (so the original text of numbers matters: 10.0 is two elements).
    /// </summary>
    public static ConfigPath PathFromTokens(List<Token> pathTokens, ConfigOrigin at, string? expression)
    {
        var elements = new List<string>();
        var current = new StringBuilder();
        var quotedInCurrent = false;
        string Shown() => expression ?? string.Concat(pathTokens.Select(t => t.Kind == TokenKind.QuotedString ? Renderer.Quote(t.Text) : t.Text));

        void Finish(Token t)
        {
            if (current.Length == 0 && !quotedInCurrent)
            {
                throw new ConfigException(
                    $"{at.Description}:{t.Line}:{t.Column}: path '{Shown()}' has an empty element; a path may not start or end with '.' or contain '..' (quote an empty key as \"\")",
                    null,
                    at.WithLine(t.Line));
            }

            elements.Add(current.ToString());
            current.Clear();
            quotedInCurrent = false;
        }

        foreach (var t in pathTokens)
        {
            switch (t.Kind)
            {
                case TokenKind.QuotedString:
                    current.Append(t.Text);
                    quotedInCurrent = true;
                    break;
                case TokenKind.Unquoted or TokenKind.Number or TokenKind.True or TokenKind.False or TokenKind.Null or TokenKind.Whitespace:
                    foreach (var c in t.Text)
                    {
                        if (c == '.' && t.Kind != TokenKind.Whitespace)
                        {
                            Finish(t);
                        }
                        else
                        {
                            current.Append(c);
                        }
                    }

                    break;
                default:
                    throw new ConfigException(
                        $"{at.Description}:{t.Line}:{t.Column}: found {t.Describe()} in path '{Shown()}'; a path is made of keys separated by '.'",
                        null,
                        at.WithLine(t.Line));
            }
        }

        Finish(pathTokens[^1]);
        return new ConfigPath([.. elements]);
    }
}

// Byte values the parsers look for; the files are scanned as bytes, not decoded strings.
export const COMMA = 44;
export const NEWLINE = 10;
export const RETURN = 13;
export const SPACE = 32;
export const TAB = 9;
export const DOUBLE_QUOTE = 34;
export const SINGLE_QUOTE = 39;
export const BACKSLASH = 92;
export const PERCENT = 37;
export const OPEN_BRACE = 123;

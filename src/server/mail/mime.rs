//! Decoding what the SMTP sink receives: headers (with RFC 2047 encoded
//! words), multipart/alternative bodies, quoted-printable and base64.

use super::sink::Received;
use base64::Engine;
use chrono::Utc;
use std::time::Instant;

fn split_message(raw: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = match raw.find("\r\n\r\n") {
        Some(i) => (&raw[..i], &raw[i + 4..]),
        None => match raw.find("\n\n") {
            Some(i) => (&raw[..i], &raw[i + 2..]),
            None => (raw, ""),
        },
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    (headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' if bytes[i + 1..].starts_with(b"\n") => i += 2,
            b'=' => match s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => {
                    out.push(b);
                    i += 3;
                }
                None => {
                    out.push(b'=');
                    i += 1;
                }
            },
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn base64(s: &str) -> Vec<u8> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .unwrap_or_default()
}

/// RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) in a header.
pub fn decode_words(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        let word = rest[start + 2..].splitn(3, '?').collect::<Vec<_>>();
        let decoded = if word.len() == 3 {
            let (enc, tail) = (word[1], word[2]);
            tail.find("?=").map(|end| {
                let data = &tail[..end];
                let bytes = match enc {
                    "b" | "B" => base64(data),
                    _ => quoted_printable(&data.replace('_', " ")),
                };
                let consumed = start + 2 + word[0].len() + 1 + enc.len() + 1 + end + 2;
                (String::from_utf8_lossy(&bytes).into_owned(), consumed)
            })
        } else {
            None
        };
        match decoded {
            Some((text, consumed)) => {
                // Whitespace between two encoded words is not part of the text.
                if !(last_was_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&text);
                rest = &rest[consumed..];
                last_was_word = true;
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text parts of a message or part: (content type, decoded text).
fn parts(headers: &[(String, String)], body: &str, out: &mut Vec<(String, String)>) {
    let content_type = header(headers, "content-type")
        .unwrap_or("text/plain")
        .to_string();
    let lower = content_type.to_ascii_lowercase();
    if lower.starts_with("multipart/") {
        let boundary = content_type
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
            .map(|(_, v)| v.trim().trim_matches('"').to_string());
        if let Some(b) = boundary {
            let delimiter = format!("--{b}");
            for chunk in body.split(delimiter.as_str()).skip(1) {
                if chunk.starts_with("--") {
                    break;
                }
                let chunk = chunk.trim_start_matches(['\r', '\n']);
                let (h, b) = split_message(chunk);
                parts(&h, b, out);
            }
        }
        return;
    }
    let bytes = match header(headers, "content-transfer-encoding").map(|e| e.to_ascii_lowercase()) {
        Some(e) if e == "base64" => base64(body),
        Some(e) if e == "quoted-printable" => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    let kind = lower.split(';').next().unwrap_or("").trim().to_string();
    out.push((kind, String::from_utf8_lossy(&bytes).replace("\r\n", "\n")));
}

/// Decodes a received message.
pub fn decode(raw: String, from: String, to: Vec<String>) -> Received {
    let (headers, body) = split_message(&raw);
    let mut found = Vec::new();
    parts(&headers, body, &mut found);
    let pick = |kind: &str| {
        found
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, t)| t.trim_end_matches('\n').to_string())
            .unwrap_or_default()
    };
    Received {
        message_id: header(&headers, "message-id").unwrap_or("").to_string(),
        subject: decode_words(header(&headers, "subject").unwrap_or("")),
        text: pick("text/plain"),
        html: pick("text/html"),
        from,
        to,
        at: Instant::now(),
        received_at: Utc::now(),
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_in_headers_are_decoded() {
        assert_eq!(decode_words("=?utf-8?b?QmXDq2luZGln?="), "Beëindig");
        assert_eq!(decode_words("=?utf-8?q?Be=C3=ABindig_nu?= en"), "Beëindig nu en");
        assert_eq!(decode_words("=?utf-8?b?QQ==?= =?utf-8?b?Qg==?="), "AB");
        assert_eq!(decode_words("gewoon"), "gewoon");
    }

    #[test]
    fn multipart_alternative_with_both_transfer_encodings_is_decoded() {
        let raw = "Subject: Hallo\r\nMessage-ID: <x@y>\r\nContent-Type: multipart/alternative;\r\n boundary=\"b1\"\r\n\r\n\
--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nBe=C3=ABindig deze =\r\nregel\r\n\
--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+SGFsbG88L3A+\r\n--b1--\r\n";
        let m = decode(raw.to_string(), "a@b".into(), vec!["c@d".into()]);
        assert_eq!(m.subject, "Hallo");
        assert_eq!(m.message_id, "<x@y>");
        assert_eq!(m.text, "Beëindig deze regel");
        assert_eq!(m.html, "<p>Hallo</p>");
    }
}

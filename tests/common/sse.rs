//! A Server-Sent Events client for the live tests: reads frames from a
//! streaming response the way a browser's EventSource does.

use reqwest::{Client, Response};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub event: String,
    pub id: Option<String>,
    pub data: String,
}

impl Frame {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.data).unwrap()
    }
}

pub struct Stream {
    res: Response,
    buf: String,
    /// The last `id:` seen, as the browser keeps it for Last-Event-ID.
    pub last_id: Option<String>,
    /// The stream is over (closed or broken), not just quiet.
    pub ended: bool,
}

impl Stream {
    /// Opens `url` with `client`, optionally resuming after `last_id`.
    pub async fn open(client: &Client, url: &str, last_id: Option<&str>) -> Stream {
        let mut req = client.get(url).header("accept", "text/event-stream");
        if let Some(id) = last_id {
            req = req.header("last-event-id", id);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200, "live stream {url}");
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Stream {
            res,
            buf: String::new(),
            last_id: None,
            ended: false,
        }
    }

    /// The next frame (comments skipped), or `None` after `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<Frame> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut f = Frame {
                    event: "message".into(),
                    id: None,
                    data: String::new(),
                };
                let mut data: Vec<&str> = Vec::new();
                for line in block.lines() {
                    let (field, value) = line.split_once(':').unwrap_or((line, ""));
                    let value = value.strip_prefix(' ').unwrap_or(value);
                    match field {
                        "event" => f.event = value.to_string(),
                        "id" => f.id = Some(value.to_string()),
                        "data" => data.push(value),
                        _ => {}
                    }
                }
                if f.id.is_some() {
                    self.last_id = f.id.clone();
                }
                if data.is_empty() {
                    continue;
                }
                f.data = data.join("\n");
                return Some(f);
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk()).await.ok()?;
            match chunk {
                Ok(Some(bytes)) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
                // The server closed the stream, or went away.
                Ok(None) | Err(_) => {
                    self.ended = true;
                    return None;
                }
            }
        }
    }

    /// The next frame named `event`, skipping others; `None` after `wait`.
    pub async fn next_named(&mut self, event: &str, wait: Duration) -> Option<Frame> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let f = self.next(left).await?;
            if f.event == event {
                return Some(f);
            }
        }
    }

    /// Every `change` frame that arrives within `wait`.
    pub async fn changes_within(&mut self, wait: Duration) -> Vec<Frame> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut out = Vec::new();
        while let Some(f) = self
            .next_named(
                "change",
                deadline.saturating_duration_since(tokio::time::Instant::now()),
            )
            .await
        {
            out.push(f);
        }
        out
    }
}

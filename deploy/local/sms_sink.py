"""Development SMS gateway for `make run`: speaks Africa's Talking's messaging API on loopback.

Nothing leaves the machine. Each SMS is logged with the recipient masked, and `GET /messages`
lists what arrived (recipients masked) so the demo can show the notification went out.
"""

from __future__ import annotations

import argparse
import uuid
from typing import Annotated

import uvicorn
from fastapi import FastAPI, Form, Header, HTTPException

app = FastAPI(title="Redress development SMS sink")
received: list[dict[str, str]] = []


def masked(number: str) -> str:
    """Keep the country code and the last two digits: enough to tell messages apart in a demo."""
    return number[:4] + "*" * max(len(number) - 6, 0) + number[-2:]


@app.post("/version1/messaging")
async def send(to: Annotated[str, Form()], message: Annotated[str, Form()], username: Annotated[str, Form()],
               api_key: Annotated[str, Header(alias="apiKey")]) -> dict[str, object]:
    """Accept one SMS as Africa's Talking would (statusCode 101 = sent)."""
    if not api_key:
        raise HTTPException(401, "missing apiKey")
    message_id = f"ATXid_{uuid.uuid4().hex[:16]}"
    received.append({"id": message_id, "to": masked(to), "chars": str(len(message)), "body": message})
    print(f"[sms-sink] SMS {message_id} to {masked(to)} ({len(message)} chars): {message}", flush=True)
    return {"SMSMessageData": {"Message": "Sent to 1/1", "Recipients": [
        {"statusCode": 101, "number": masked(to), "status": "Success", "cost": "XOF 0", "messageId": message_id}]}}


@app.get("/messages")
async def messages() -> list[dict[str, str]]:
    """What arrived so far (recipients masked)."""
    return received


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8009)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")

//! Checking a login and password against the directory and the stored hash.

use ent_domain::directory::UserState;
use ent_domain::directory::login::reservation_stream;
use uuid::Uuid;

use crate::actors::load_actor;
use crate::error::CommandError;
use crate::passwords;
use crate::store::EventStore;

/// The user a login and password identify, if they match an active account.
pub async fn authenticate(store: &dyn EventStore, login: &str, password: &str) -> Result<Option<UserState>, CommandError> {
    let login = login.trim().to_lowercase();
    let reservation = store.read_stream(&reservation_stream(&login).to_string()).await?;
    let user_id = reservation.first().and_then(|e| e.payload.get("user_id")).and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok());
    let Some(user_id) = user_id else {
        // Spend the time a real check takes, so that unknown logins cannot be told apart.
        let _ = passwords::verify_async(password.to_string(), DUMMY_HASH.to_string()).await;
        return Ok(None);
    };
    let Some(hash) = store.secret(&passwords::secret_key(user_id)).await? else {
        return Ok(None);
    };
    if !passwords::verify_async(password.to_string(), hash).await {
        return Ok(None);
    }
    Ok(load_actor(store, user_id).await?.and_then(|a| a.user().cloned()))
}

/// argon2 hash of a random string, verified against when the login is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7qxnYh0Qwcb1J7Sk3GkPp9pY9Bd0tBqGdX1M7V2yQfE";

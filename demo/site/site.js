/* global document */
// The demo site's only script: the show-password toggle (the co-browse snippet keeps the field
// masked after it turns into a text field).
const toggle = document.getElementById('toggle-password');
const field = document.getElementById('password');
if (toggle && field) {
  toggle.addEventListener('click', () => {
    const show = field.type === 'password';
    field.type = show ? 'text' : 'password';
    toggle.textContent = show ? 'Hide' : 'Show';
    toggle.setAttribute('aria-pressed', String(show));
  });
}

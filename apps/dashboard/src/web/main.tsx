// The page's entry: start fetching at once, then render the App (see app.tsx).
import { render } from 'preact';
import { App } from './app';
import { startFirstLoad } from './first-load';
import './style.css';

// The list of runs and the points of the runs a link names are asked for as soon as the script
// runs, not after the first paint; the App picks the answers up.
const first = startFirstLoad(location.search);

render(<App first={first} />, document.getElementById('app')!);
